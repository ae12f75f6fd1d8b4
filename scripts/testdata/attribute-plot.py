"""Writes analytics/attribute-plot/tests/*/input/0.parquet.gz.

Run after scripts/testdata/sklearn-cluster.py: the scatter case reuses its blog-outliers flows
(real Kestrel network traffic with byte counts added). The histogram cases use the first 120
rows of ../shared/kestrel-testdata/nettraffic.parquet.gz as Kestrel wrote them, without the bare
reference column Kestrel 1.8 never sends.
"""
import os

import numpy as np
import pandas as pd

from kestrel_shape import as_kestrel_sends

ROOT = "analytics/attribute-plot/tests"
SHARED = os.environ.get("SHARED", "/shared")


def write(case, df):
    d = os.path.join(ROOT, case, "input")
    os.makedirs(d, exist_ok=True)
    df.to_parquet(os.path.join(d, "0.parquet.gz"), index=False)


flows = pd.read_parquet("analytics/sklearn-cluster/tests/blog-outliers/input/0.parquet.gz")
write("scatter-bytes", flows)

real = as_kestrel_sends(
    pd.read_parquet(os.path.join(SHARED, "kestrel-testdata/nettraffic.parquet.gz")).head(120))
write("hist-dst-port", real)
write("hist-text-values", real)

# Edge case: the attribute is present but null on every row of a small variable (an integer
# column with nulls arrives as double).
nulls = real.head(6)[["id", "type", "dst_ref.value", "dst_port"]].copy()
nulls["src_byte_count"] = np.nan
write("all-null", nulls)
write("missing-attribute", nulls)
