"""{{name}}: a Kestrel analytic (made from kanalytic's Python template).

The Kestrel v1 docker contract, which this file follows:
  - input variable N (the N-th after ON) arrives as /data/input/N.parquet.gz (plain Parquet;
    the .gz is only part of the name); any column may be missing, integer columns with nulls
    arrive as doubles;
  - WITH parameters arrive as environment variables, values as text, lists joined by ',';
  - the result for input N goes to /data/output/N.parquet.gz and must keep `id` and `type`
    (Kestrel merges it back by `id`); no file = variable unchanged;
  - at most one HTML page in /data/display/ is shown to the hunter;
  - a non-zero exit with a message on stderr is reported by Kestrel as the APPLY's error.
Outputs must be deterministic (kanalytic test runs every case twice): no timestamps, no
unseeded randomness, sorted iteration.

The example logic adds `x_seen_count`: how many rows of the variable share the row's `id`
(Kestrel gives one row per observation, so an entity seen often repeats). Replace it with
yours in analytics() and keep the rest.
"""
import os
import sys

import pandas as pd

NAME = "{{name}}"
DATA = "/data"


class ParamError(Exception):
    pass


# ---- parameters (identical helpers in every analytic of this repository) ----

def _raw(name):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def param_str(name, default=None, choices=None, required=False):
    value = _raw(name)
    if value is None:
        if required:
            raise ParamError(f"parameter {name} is required")
        return default
    if choices is not None and value not in choices:
        raise ParamError(f"parameter {name}={value!r}: expected one of {', '.join(choices)}")
    return value


def param_int(name, default, minimum=None, maximum=None):
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ParamError(f"parameter {name}={value!r}: expected an integer") from None
    if not number.is_integer():
        raise ParamError(f"parameter {name}={value!r}: expected an integer")
    number = int(number)
    if minimum is not None and number < minimum:
        raise ParamError(f"parameter {name}={value!r}: must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise ParamError(f"parameter {name}={value!r}: must be at most {maximum}")
    return number


def param_float(name, default, minimum=None, maximum=None):
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ParamError(f"parameter {name}={value!r}: expected a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ParamError(f"parameter {name}={value!r}: expected a finite number")
    if minimum is not None and number < minimum:
        raise ParamError(f"parameter {name}={value!r}: must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise ParamError(f"parameter {name}={value!r}: must be at most {maximum}")
    return number


def param_bool(name, default):
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ParamError(f"parameter {name}={value!r}: expected true or false")


def param_list(name, default=None, required=False):
    value = _raw(name)
    if value is None:
        if required:
            raise ParamError(f"parameter {name} is required (e.g. {name}=(a,b))")
        return list(default or [])
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ParamError(f"parameter {name}={value!r}: empty item in the list")
    return items


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
        print(f"{NAME}: error: {e}", file=sys.stderr)
        return 2
    os.makedirs(os.path.join(DATA, "output"), exist_ok=True)
    page = None
    index = 0
    while os.path.exists(os.path.join(DATA, "input", f"{index}.parquet.gz")):
        df = pd.read_parquet(os.path.join(DATA, "input", f"{index}.parquet.gz"))
        if "id" not in df.columns or "type" not in df.columns:
            # An empty variable arrives without columns; without id/type Kestrel could not
            # merge an output back, so leave the variable unchanged.
            print(f"{NAME}: input {index} has no id/type columns; left unchanged",
                  file=sys.stderr)
        else:
            out = analytics(df, **params)
            out.to_parquet(os.path.join(DATA, "output", f"{index}.parquet.gz"), index=False)
            if index == 0:
                page = display(out)
        index += 1
    if index == 0:
        print(f"{NAME}: error: no input in {DATA}/input (expected 0.parquet.gz)",
              file=sys.stderr)
        return 2
    if page is not None:
        os.makedirs(os.path.join(DATA, "display"), exist_ok=True)
        with open(os.path.join(DATA, "display", f"{NAME}.html"), "w", encoding="utf-8") as f:
            f.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
