"""What Kestrel 1.8 hands an analytic, for the test-input generators (see
tool/fixture/kestrel_shape.h; `kanalytic validate` checks the result).

- firepit dereferences references into `*_ref.ATTR` columns and drops the bare reference
  columns, so Kestrel's 2020 test data (../shared/kestrel-testdata) loses `x_contained_by_ref`;
- an empty variable is a file with 0 rows and 0 columns (pandas' empty DataFrame), and when
  every input of an APPLY is empty, Kestrel does not start the analytic.
"""
import pandas as pd


def as_kestrel_sends(df):
    """df without the bare reference columns (`*_ref` / `*_refs` with no `.attr`)."""
    bare = [c for c in df.columns if c.split(".")[-1].strip("'").endswith(("_ref", "_refs"))]
    return df.drop(columns=bare)


def write_empty_variable(path):
    """An empty variable, written as Kestrel writes it: DataFrame().to_parquet(path)."""
    pd.DataFrame().to_parquet(path)
