"""{{name}}: a Kestrel analytic (made from kanalytic's Python template).

kestrel_analytic.py (beside this file) holds the Kestrel docker contract: the WITH
parameters as environment variables, /data/input/N.parquet.gz in, /data/output/N.parquet.gz
out (keeping `id` and `type`), at most one HTML display. Outputs must be deterministic
(kanalytic test runs every case twice): no timestamps, no unseeded randomness, sorted
iteration.

The example logic adds `x_seen_count`: how many rows of the variable share the row's `id`
(Kestrel gives one row per observation, so an entity seen often repeats). Replace it with
yours in analytics() and keep the rest.
"""
import sys

from kestrel_analytic import (ParamError, fail, input_indexes, param_bool, param_float,
                              param_int, param_list, param_str, read_variable,
                              write_display, write_variable)

NAME = "{{name}}"


def read_parameters():
    """The WITH parameters, typed, with their defaults (as declared in analytic.yaml)."""
    return {
{{param_reads}}
    }


# ---- the analytic ----

def analytics(df{{param_signature}}):
    """Returns the variable with the analytic's attributes added (never drop `id`/`type`)."""
    out = df.copy()
    counts = out["id"].value_counts(dropna=True)
    out["x_seen_count"] = out["id"].map(counts).astype("Int64")
    return out


def display(df):
    """An HTML page to show the hunter, or None for no display."""
    return None


def main():
    try:
        params = read_parameters()
    except ParamError as e:
        fail(NAME, f"error: {e}")
    page = None
    for index in input_indexes():
        df = read_variable(NAME, index)
        if "id" not in df.columns or "type" not in df.columns:
            # An empty variable arrives without columns; without id/type Kestrel could not
            # merge an output back, so leave the variable unchanged.
            print(f"{NAME}: input {index} has no id/type columns; left unchanged",
                  file=sys.stderr)
        else:
            out = analytics(df, **params)
            write_variable(out, index)
            if index == 0:
                page = display(out)
    if page is not None:
        write_display(NAME, page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
