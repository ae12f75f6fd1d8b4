"""sklearn-cluster: k-means or DBSCAN over chosen numeric attributes; adds `cluster`.

Kestrel v1 docker contract: every input variable arrives as /data/input/N.parquet.gz,
WITH parameters arrive as environment variables (lists joined by ','), and the result for
input N goes to /data/output/N.parquet.gz with `id` and `type` kept.

Clusters are renumbered so that the output does not depend on the algorithm's internal
label order: cluster 0 is the largest, then by size (ties: first row seen). Rows with a
null in any chosen column get cluster -1 (as do DBSCAN's noise points).
"""
import sys

import numpy as np
import pandas as pd

from kestrel_analytic import (ParamError, fail, input_indexes, param_float, param_int,
                              param_list, param_str, read_variable, write_variable)

NAME = "sklearn-cluster"
NOISE = -1


# ---- the analytic ----

def _relabel(labels):
    """Renumbers labels by cluster size (largest = 0), ties by first occurrence; keeps -1."""
    order = {}
    for position, label in enumerate(labels):
        if label != NOISE and label not in order:
            order[label] = position
    sizes = {label: int(np.sum(labels == label)) for label in order}
    ranked = sorted(order, key=lambda label: (-sizes[label], order[label]))
    mapping = {label: rank for rank, label in enumerate(ranked)}
    return np.array([mapping.get(label, NOISE) for label in labels], dtype=np.int64)


def _features(df, columns):
    for column in columns:
        if column not in df.columns:
            have = ", ".join(sorted(map(str, df.columns)))
            raise ParamError(f"columns: attribute {column!r} is not in the input (it has: {have})")
    numeric = pd.DataFrame(index=df.index)
    for column in columns:
        series = df[column]
        if series.dtype == object:
            converted = pd.to_numeric(series, errors="coerce")
            if converted.isna().sum() > series.isna().sum():
                raise ParamError(f"columns: attribute {column!r} is not numeric")
            series = converted
        elif not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
            raise ParamError(f"columns: attribute {column!r} is not numeric ({series.dtype})")
        numeric[column] = series.astype("float64")
    return numeric


def analytics(df, columns, method="kmeans", n_clusters=2, eps=0.5, min_samples=5):
    """Returns df with an int64 `cluster` column (see the module comment)."""
    from sklearn.cluster import DBSCAN, KMeans
    from sklearn.preprocessing import StandardScaler

    numeric = _features(df, columns)
    complete = numeric.notna().all(axis=1).to_numpy()
    labels = np.full(len(df), NOISE, dtype=np.int64)
    values = numeric.to_numpy()[complete]
    if len(values) > 0:
        scaled = StandardScaler().fit_transform(values)
        if method == "kmeans":
            distinct = len(np.unique(scaled, axis=0))
            k = min(n_clusters, distinct)
            if k < n_clusters:
                print(f"{NAME}: only {distinct} distinct points; using {k} clusters",
                      file=sys.stderr)
            if k == 1:
                found = np.zeros(len(values), dtype=np.int64)
            else:
                found = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(scaled)
        else:
            found = DBSCAN(eps=eps, min_samples=min_samples).fit_predict(scaled)
        labels[complete] = found
    out = df.copy()
    out["cluster"] = _relabel(labels)
    return out


def read_parameters():
    return {
        "columns": param_list("columns", required=True),
        "method": param_str("method", "kmeans", choices=["kmeans", "dbscan"]),
        "n_clusters": param_int("n_clusters", 2, minimum=2, maximum=1000),
        "eps": param_float("eps", 0.5, minimum=0.0),
        "min_samples": param_int("min_samples", 5, minimum=1),
    }


def main():
    try:
        params = read_parameters()
        if params["eps"] <= 0:
            raise ParamError(f"parameter eps={params['eps']}: must be greater than 0")
        for index in input_indexes():
            df = read_variable(NAME, index, usage="var WITH columns=a,b")
            if len(df.columns) == 0:
                print(f"{NAME}: input {index} is empty; left unchanged", file=sys.stderr)
            else:
                write_variable(analytics(df, **params), index)
    except ParamError as e:
        fail(NAME, f"error: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
