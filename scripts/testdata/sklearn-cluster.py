"""Writes analytics/sklearn-cluster/tests/*/input/0.parquet.gz.

blog-outliers: 40 real network-traffic rows from Kestrel's test data (../shared/kestrel-testdata/
nettraffic.parquet.gz), without the bare reference column Kestrel 1.8 never sends. That file has
no byte counts, so src_byte_count/dst_byte_count are added here: ordinary flows get a few hundred
to a few thousand bytes, and four flows to one external address get tens of megabytes, the shape
of the Kestrel blog's k-means example.
"""
import os

import numpy as np
import pandas as pd

from kestrel_shape import as_kestrel_sends, write_empty_variable

ROOT = "analytics/sklearn-cluster/tests"
SHARED = os.environ.get("SHARED", "/shared")


def write(case, df):
    d = os.path.join(ROOT, case, "input")
    os.makedirs(d, exist_ok=True)
    df.to_parquet(os.path.join(d, "0.parquet.gz"), index=False)


def blog_flows():
    df = pd.read_parquet(os.path.join(SHARED, "kestrel-testdata/nettraffic.parquet.gz"))
    df = as_kestrel_sends(df.head(40).reset_index(drop=True))
    rng = np.random.default_rng(20201015)
    df["src_byte_count"] = rng.integers(120, 4000, len(df)).astype("int64")
    df["dst_byte_count"] = rng.integers(200, 9000, len(df)).astype("int64")
    outliers = [5, 17, 26, 33]
    for n, row in enumerate(outliers):
        df.loc[row, "dst_ref.value"] = "198.51.100.23"
        df.loc[row, "dst_port"] = 443
        df.loc[row, "src_byte_count"] = 48_000_000 + n * 3_100_000
        df.loc[row, "dst_byte_count"] = 1_200_000 + n * 90_000
    return df


flows = blog_flows()
write("blog-outliers", flows)
write("dbscan-noise", flows)

# Nulls: an int column with nulls arrives as double, as Kestrel writes it.
nulls = flows.head(12).copy()
nulls["dst_byte_count"] = nulls["dst_byte_count"].astype("float64")
nulls.loc[[2, 7], "dst_byte_count"] = np.nan
nulls.loc[4, "src_byte_count"] = 0
write("nulls", nulls)

# An empty variable, as Kestrel sends it: 0 rows and 0 columns (Kestrel does not start the
# analytic for it; the case records that).
write_empty_variable(os.path.join(ROOT, "empty-input", "input", "0.parquet.gz"))
write("missing-column", flows.drop(columns=["dst_byte_count"]).head(8))
write("bad-method", flows.head(8))
