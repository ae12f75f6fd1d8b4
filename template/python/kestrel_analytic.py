"""The Kestrel v1 docker contract for Python analytics: WITH parameters, input and output.

  - input variable N (the N-th after ON) arrives as /data/input/N.parquet.gz (plain Parquet;
    the .gz is only part of the name); any column may be missing, integer columns with nulls
    arrive as doubles;
  - WITH parameters arrive as environment variables, values as text, lists joined by ',';
  - the result for input N goes to /data/output/N.parquet.gz and must keep `id` and `type`
    (Kestrel merges it back by `id`); no file = variable unchanged;
  - at most one HTML page in /data/display/ is shown to the hunter;
  - a non-zero exit with a message on stderr is reported by Kestrel as the APPLY's error.

One file for every Python analytic: `kanalytic new` gives a new analytic its copy, and the
analytics of this repository take this one into their build context (analytic.yaml,
build.include), so a fix here reaches all of them.
"""
import os
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

DATA = "/data"


class ParamError(Exception):
    """A WITH parameter (or an attribute it names) the analytic cannot use: exit 2."""


# ---- parameters ----

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


def _number(name, what):
    """(text, float) of a numeric parameter, (None, None) when absent."""
    value = _raw(name)
    if value is None:
        return None, None
    try:
        return value, float(value)
    except ValueError:
        raise ParamError(f"parameter {name}={value!r}: expected {what}") from None


def _bounded(name, value, number, minimum, maximum):
    if minimum is not None and number < minimum:
        raise ParamError(f"parameter {name}={value!r}: must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise ParamError(f"parameter {name}={value!r}: must be at most {maximum}")
    return number


def param_int(name, default, minimum=None, maximum=None):
    value, number = _number(name, "an integer")
    if value is None:
        return default
    if not number.is_integer():
        raise ParamError(f"parameter {name}={value!r}: expected an integer")
    return _bounded(name, value, int(number), minimum, maximum)


def param_float(name, default, minimum=None, maximum=None):
    value, number = _number(name, "a number")
    if value is None:
        return default
    if number != number or number in (float("inf"), float("-inf")):
        raise ParamError(f"parameter {name}={value!r}: expected a finite number")
    return _bounded(name, value, number, minimum, maximum)


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


# ---- input and output ----

def fail(name, message, code=2):
    """Ends the analytic the way Kestrel reports an APPLY error: a message and a status."""
    print(f"{name}: {message}", file=sys.stderr)
    sys.exit(code)


def input_path(index=0):
    return os.path.join(DATA, "input", f"{index}.parquet.gz")


def input_indexes():
    """0, 1, ...: the variables given after ON (0 always, so that read_variable can say it is
    missing), as Kestrel numbers /data/input/N.parquet.gz."""
    index = 0
    while index == 0 or os.path.exists(input_path(index)):
        yield index
        index += 1


def read_variable(name, index=0, usage="var"):
    """Input variable `index` as a DataFrame; ends the analytic when it is absent (2) or not
    Parquet (1), naming the file."""
    path = input_path(index)
    if not os.path.exists(path):
        fail(name, f"{path}: no input variable (APPLY docker://{name} ON {usage})")
    try:
        return pd.read_parquet(path)
    except Exception as e:                   # pyarrow raises several kinds
        fail(name, f"{path}: cannot read Parquet: {e}", 1)


def ensure_id_type(df):
    """df with null `id` / `type` columns added where absent (Kestrel sends both; a variable
    made by hand may not), so the output still carries the columns Kestrel merges by."""
    for column in ("id", "type"):
        if column not in df.columns:
            df[column] = pd.Series([None] * len(df), index=df.index, dtype=object)
    return df


def write_parquet(df, path):
    """Like to_parquet(index=False), but an all-null column is written as strings rather
    than Parquet's null type, so that every run and every reader sees the same schema."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    pq.write_table(table, path)


def write_variable(df, index=0):
    """The result for input `index`: /data/output/N.parquet.gz. A result with no rows is not
    written: Kestrel's APPLY crashes on a 0-row output (KeyError: 'pop from an empty set'),
    while no file leaves the variable as it was. Returns whether a file was written."""
    if len(df) == 0:
        print(f"output {index}: no rows; no file written, so Kestrel leaves the variable as it "
              "was", file=sys.stderr)
        return False
    os.makedirs(os.path.join(DATA, "output"), exist_ok=True)
    write_parquet(df, os.path.join(DATA, "output", f"{index}.parquet.gz"))
    return True


def write_display(name, page):
    """The one HTML page Kestrel shows: /data/display/NAME.html."""
    os.makedirs(os.path.join(DATA, "display"), exist_ok=True)
    with open(os.path.join(DATA, "display", f"{name}.html"), "w", encoding="utf-8") as f:
        f.write(page)
