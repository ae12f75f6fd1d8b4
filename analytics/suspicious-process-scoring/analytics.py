"""Kestrel analytic suspicious-process-scoring: scores process entities with the rules of
rules.json (LOLBins, suspicious parent/child pairs, command-line patterns).

Reads /data/input/0.parquet.gz, writes /data/output/0.parquet.gz with x_suspicious_score
(integer) and x_suspicious_reasons (JSON list of rule ids). Parameter THRESHOLD (integer >= 0,
default 0): only processes scoring at least THRESHOLD are written back.
"""
import json
import os
import sys

import pandas as pd

from kestrel_analytic import ensure_id_type, fail, read_variable, write_variable
from scoring import RuleError, load_rules, process_view, score

NAME = "suspicious-process-scoring"
RULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules.json")
COLUMNS = {"name": "name", "binary": "binary_ref.name", "parent": "parent_ref.name",
           "parent_binary": "parent_ref.binary_ref.name", "command_line": "command_line"}


def threshold_param():
    raw = os.environ.get("THRESHOLD")
    if raw is None or raw.strip() == "":
        return 0
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or value != value or value < 0 or value != int(value):
        fail(NAME, f"parameter THRESHOLD='{raw}': expected an integer >= 0")
    return int(value)


def analytics(df, rules, threshold=0):
    """Rows scoring >= threshold with x_suspicious_score and x_suspicious_reasons added."""
    cols = {k: (df[c] if c in df.columns else pd.Series([None] * len(df), index=df.index))
            for k, c in COLUMNS.items()}
    scores, reasons, seen = [], [], {}
    for values in zip(*(cols[k] for k in COLUMNS)):
        key = tuple(v if isinstance(v, str) else None for v in values)
        if key not in seen:          # the same process line often repeats in a hunt
            s, ids = score(rules, process_view(*key))
            seen[key] = (s, json.dumps(ids))
        scores.append(seen[key][0])
        reasons.append(seen[key][1])
    out = df.copy()
    out["x_suspicious_score"] = pd.Series(scores, index=df.index, dtype="int64")
    out["x_suspicious_reasons"] = pd.Series(reasons, index=df.index, dtype=object)
    return out[out["x_suspicious_score"] >= threshold].reset_index(drop=True)


def main():
    threshold = threshold_param()
    try:
        rules = load_rules(RULES)
    except RuleError as e:
        fail(NAME, str(e), 1)
    df = ensure_id_type(read_variable(NAME, usage="procs"))
    write_variable(analytics(df, rules, threshold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
