"""Kestrel analytic log4shell: finds and deobfuscates Log4Shell `${jndi:...}` payloads.

Reads /data/input/0.parquet.gz (url, network-traffic, artifact or any entity), looks at every
string attribute (artifact `payload_bin` is base64-decoded first, percent-encoded text is also
decoded), resolves nested Log4j lookups and writes the table back with x_log4shell_* columns.
"""
import base64
import binascii
import json
import sys
import urllib.parse

import pandas as pd

from kestrel_analytic import ensure_id_type, read_variable, write_variable
from lookups import deobfuscate, jndi_command, parse_jndi

NAME = "log4shell"
OUT_COLUMNS = ["x_log4shell_exploit", "x_log4shell_protocol", "x_log4shell_host",
               "x_log4shell_port", "x_log4shell_path", "x_log4shell_command",
               "x_log4shell_payloads"]


def decode_base64(text):
    """The UTF-8 text inside a base64 value, or None if it is not base64."""
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", errors="replace")


def texts_of(column, value):
    """The readings of one cell worth scanning: raw, base64-decoded, percent-decoded."""
    out = [value]
    if column == "payload_bin" or column.endswith(".payload_bin"):
        decoded = decode_base64(value)
        if decoded is not None:
            out = [decoded]
    last = out[-1]
    for _ in range(3):                       # %24%7B, and %2524%257B double encoding
        if "%" not in last:
            break
        nxt = urllib.parse.unquote(last)
        if nxt == last:
            break
        out.append(nxt)
        last = nxt
    return out


def scan_row(values, columns):
    found = []
    for col, value in zip(columns, values):
        if not isinstance(value, str):
            continue
        for text in texts_of(col, value):
            for exploit in deobfuscate(text)[1]:
                if exploit not in found:
                    found.append(exploit)
    return found


def is_text(series):
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def analytics(df):
    """df with the x_log4shell_* columns added (nulls where no payload was found)."""
    skip = {"id", "type"} | set(OUT_COLUMNS)
    columns = [c for c in df.columns if c not in skip and is_text(df[c])]
    results = {c: [] for c in OUT_COLUMNS}
    for values in zip(*(df[c] for c in columns)) if columns else [()] * len(df):
        found = scan_row(values, columns)
        if found:
            proto, host, port, path = parse_jndi(found[0])
            values = [found[0], proto, host, port, path, jndi_command(path),
                      json.dumps(found)]
        else:
            values = [None] * len(OUT_COLUMNS)
        for c, v in zip(OUT_COLUMNS, values):
            results[c].append(v)
    out = df.copy()
    for c in OUT_COLUMNS:
        if c == "x_log4shell_port":
            out[c] = pd.array(results[c], dtype="Int64")
        else:
            out[c] = pd.Series(results[c], index=df.index, dtype=object)
    return out


def main():
    df = read_variable(NAME)
    if len(df) == 0:
        # an empty variable: Kestrel does not start the analytic for it, and a 0-row output
        # would crash Kestrel's merge, so it is left unchanged (no output)
        print(f"{NAME}: input 0 is empty; left unchanged", file=sys.stderr)
        return 0
    write_variable(analytics(ensure_id_type(df)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
