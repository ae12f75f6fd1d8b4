"""Prints what pyarrow reads from each Parquet file given, one JSON object per file:
{"file", "num_rows", "meta": {row groups, codec, encodings}, "schema": {name: arrow type},
"rows": [...]} for small files (timestamps
as integers in their unit, dates ISO, decimals as strings, binary base64), and for files over
1000 rows "summary": {name: {"count", "distinct", "min", "max", "sum"}} instead of rows."""
import base64
import datetime
import decimal
import json
import math
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


def value(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and abs(v) > 2**53:
        return str(v)  # beyond what a JSON reader keeps exactly
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if isinstance(v, list):
        return [value(x) for x in v]
    return v


def plain(col):
    t = col.type
    if pa.types.is_timestamp(t):
        return col.cast(pa.int64())
    if pa.types.is_list(t) and pa.types.is_timestamp(t.value_type):
        return col.cast(pa.list_(pa.int64()))
    return col


def summary(col):
    out = {"count": len(col) - col.null_count}
    t = col.type
    if pa.types.is_list(t):
        return out
    out["distinct"] = pc.count_distinct(col).as_py()
    if not pa.types.is_boolean(t):
        mm = pc.min_max(plain(col)).as_py()
        out["min"], out["max"] = value(mm["min"]), value(mm["max"])
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        out["sum"] = value(pc.sum(col).as_py())
    return out


for path in sys.argv[1:]:
    t = pq.read_table(path)
    md = pq.ParquetFile(path).metadata
    rg0 = md.row_group(0) if md.num_row_groups else None
    meta = {"row_groups": md.num_row_groups,
            "codec": rg0.column(0).compression if rg0 else None,
            "encodings": {rg0.column(i).path_in_schema.split(".")[0]:
                          sorted(rg0.column(i).encodings) for i in range(rg0.num_columns)}
            if rg0 else {}}
    res = {"file": path.rsplit("/", 1)[-1], "num_rows": t.num_rows, "meta": meta,
           "schema": {f.name: str(f.type) + ("" if f.nullable else " not null")
                      for f in t.schema}}
    if t.num_rows > 1000:
        res["summary"] = {n: summary(t.column(n)) for n in t.column_names}
    else:
        cols = {n: plain(t.column(n)).to_pylist() for n in t.column_names}
        res["rows"] = [{n: value(cols[n][i]) for n in t.column_names} for i in range(t.num_rows)]
    print(json.dumps(res, ensure_ascii=False, sort_keys=False))
