"""Kestrel analytic powershell-deobfuscate: undoes common PowerShell obfuscation in process
command lines (encoded commands, concatenation, char codes, format strings, backticks).

Reads /data/input/0.parquet.gz (process entities), writes it back to /data/output/0.parquet.gz
with x_psd_deobfuscated (the command line after deobfuscation) and x_psd_techniques (JSON list
of the techniques undone). Both are null where command_line is null or absent.
"""
import json
import sys

import pandas as pd

from kestrel_analytic import ensure_id_type, read_variable, write_variable
from psd import deobfuscate

NAME = "powershell-deobfuscate"


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


def main():
    df = ensure_id_type(read_variable(NAME, usage="procs"))
    write_variable(analytics(df))
    return 0


if __name__ == "__main__":
    sys.exit(main())
