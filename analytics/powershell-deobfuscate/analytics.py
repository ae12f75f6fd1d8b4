"""Kestrel analytic powershell-deobfuscate: undoes common PowerShell obfuscation in process
command lines (encoded commands, concatenation, char codes, format strings, backticks).

Reads /data/input/0.parquet.gz (process entities), writes it back to /data/output/0.parquet.gz
with x_psd_deobfuscated (the command line after deobfuscation) and x_psd_techniques (JSON list
of the techniques undone). Both are null where command_line is null or absent.
"""
import json
import os
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from psd import deobfuscate

NAME = "powershell-deobfuscate"
INPUT = "/data/input/0.parquet.gz"
OUTPUT = "/data/output/0.parquet.gz"


def fail(msg, code=2):
    print(f"{NAME}: {msg}", file=sys.stderr)
    sys.exit(code)


def analytics(df):
    """df with x_psd_deobfuscated and x_psd_techniques added."""
    clear, techniques, seen = [], [], {}
    lines = df["command_line"] if "command_line" in df.columns else [None] * len(df)
    for line in lines:
        if not isinstance(line, str):
            clear.append(None)
            techniques.append(None)
            continue
        if line not in seen:         # the same command line often repeats in a hunt
            text, used = deobfuscate(line)
            seen[line] = (text, json.dumps(used))
        clear.append(seen[line][0])
        techniques.append(seen[line][1])
    out = df.copy()
    out["x_psd_deobfuscated"] = pd.Series(clear, index=df.index, dtype=object)
    out["x_psd_techniques"] = pd.Series(techniques, index=df.index, dtype=object)
    return out


def write_parquet(df, path):
    """Like to_parquet(index=False), but an all-null column is written as strings rather
    than Parquet's null type, so that every run and every reader sees the same schema."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    pq.write_table(table, path)


def main():
    if not os.path.exists(INPUT):
        fail(f"{INPUT}: no input variable (APPLY docker://{NAME} ON procs)")
    try:
        df = pd.read_parquet(INPUT)
    except Exception as e:                   # pyarrow raises several kinds
        fail(f"{INPUT}: cannot read Parquet: {e}", 1)
    for c in ("id", "type"):
        if c not in df.columns:
            df[c] = pd.Series([None] * len(df), index=df.index, dtype=object)
    out = analytics(df)
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    write_parquet(out, OUTPUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
