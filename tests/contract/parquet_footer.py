#!/usr/bin/env python3
"""Makes the two Parquet shapes of the contract probes that kanalytic's own writer does not
write (no pyarrow here): Thrift compact protocol, FileMetaData top level only.

  parquet_footer.py pandas-index IN OUT COLUMN
      OUT = IN with a `pandas` key-value metadata whose index_columns is [COLUMN], as
      pandas.DataFrame.set_index(COLUMN).to_parquet() writes it (the column stays in the
      Parquet schema; pandas.read_parquet makes it the index)
  parquet_footer.py empty OUT
      OUT = a file with 0 rows and 0 columns, what Kestrel writes for an empty variable
"""
import json
import struct
import sys


def varint(b, i):
    shift = value = 0
    while True:
        c = b[i]
        i += 1
        value |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return value, i


def put_varint(n):
    out = bytearray()
    while True:
        c = n & 0x7F
        n >>= 7
        if n:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def skip(b, i, t):
    """Index past one value of compact type t at b[i]."""
    if t in (1, 2):  # bool in a field header: no bytes
        return i
    if t == 3:
        return i + 1
    if t in (4, 5, 6):
        return varint(b, i)[1]
    if t == 7:
        return i + 8
    if t == 8:
        n, i = varint(b, i)
        return i + n
    if t in (9, 10):
        h = b[i]
        i += 1
        n, et = h >> 4, h & 0x0F
        if n == 15:
            n, i = varint(b, i)
        for _ in range(n):
            i = i + 1 if et in (1, 2) else skip(b, i, et)
        return i
    if t == 11:
        n, i = varint(b, i)
        if n:
            kv = b[i]
            i += 1
            for _ in range(n):
                i = skip(b, i, kv >> 4)
                i = skip(b, i, kv & 0x0F)
        return i
    if t == 12:
        for _ in fields(b, i):
            pass
        return fields.end
    raise ValueError(f"unknown compact type {t}")


def fields(b, i):
    """Yields (id, type, start, end) of a struct's fields; fields.end: past its stop byte."""
    last = 0
    while True:
        h = b[i]
        i += 1
        if h == 0:
            fields.end = i
            return
        delta, t = h >> 4, h & 0x0F
        if delta:
            fid = last + delta
        else:
            z, i = varint(b, i)
            fid = (z >> 1) ^ -(z & 1)
        start = i
        i = skip(b, i, t)
        yield fid, t, start, i
        last = fid


def header(last, fid, t):
    d = fid - last
    if 0 < d <= 15:
        return bytes([(d << 4) | t])
    return bytes([t]) + put_varint((fid << 1) ^ (fid >> 15))


def write_struct(parts):
    """parts: [(id, type, value bytes)] in id order."""
    out, last = bytearray(), 0
    for fid, t, v in parts:
        out += header(last, fid, t) + v
        last = fid
    return bytes(out) + b"\0"


def binary(s):
    s = s.encode()
    return put_varint(len(s)) + s


def pandas_index(src, dst, column):
    data = open(src, "rb").read()
    assert data[:4] == b"PAR1" and data[-4:] == b"PAR1"
    flen = struct.unpack("<I", data[-8:-4])[0]
    fstart = len(data) - 8 - flen
    footer = data[fstart:-8]
    parts = [(fid, t, footer[s:e]) for fid, t, s, e in fields(footer, 0)]
    # the leaf names of the schema (field 2: list of SchemaElement, name is field 4)
    names = []
    for fid, t, v in parts:
        if fid == 2:
            h = v[0]
            n, j = h >> 4, 1
            if n == 15:
                n, j = varint(v, 1)
            for k in range(n):
                for sid, st, s, e in fields(v, j):
                    if sid == 4 and k > 0:
                        ln, p = varint(v, s)
                        names.append(v[p:p + ln].decode())
                j = fields.end
    meta = {
        "index_columns": [column],
        "column_indexes": [{"name": None, "field_name": None, "pandas_type": "unicode",
                            "numpy_type": "object", "metadata": {"encoding": "UTF-8"}}],
        "columns": [{"name": n, "field_name": n, "pandas_type": "unicode",
                     "numpy_type": "object", "metadata": None} for n in names],
        "creator": {"library": "pyarrow", "version": "25.0.0"},
        "pandas_version": "2.3.0",
    }
    kv = write_struct([(1, 8, binary("pandas")), (2, 8, binary(json.dumps(meta)))])
    kvlist = bytes([(1 << 4) | 12]) + kv
    parts = [p for p in parts if p[0] != 5] + [(5, 9, kvlist)]
    parts.sort(key=lambda p: p[0])
    new = write_struct(parts)
    open(dst, "wb").write(data[:fstart] + new + struct.pack("<I", len(new)) + b"PAR1")


def empty(dst):
    root = write_struct([(4, 8, binary("schema")), (5, 5, put_varint(0))])
    meta = write_struct([
        (1, 5, put_varint(2)),                      # version
        (2, 9, bytes([(1 << 4) | 12]) + root),      # schema: the root alone
        (3, 6, put_varint(0)),                      # num_rows
        (4, 9, bytes([12])),                        # row_groups: none
    ])
    open(dst, "wb").write(b"PAR1" + meta + struct.pack("<I", len(meta)) + b"PAR1")


if __name__ == "__main__":
    if sys.argv[1:2] == ["pandas-index"] and len(sys.argv) == 5:
        pandas_index(*sys.argv[2:])
    elif sys.argv[1:2] == ["empty"] and len(sys.argv) == 3:
        empty(sys.argv[2])
    else:
        sys.exit(__doc__)
