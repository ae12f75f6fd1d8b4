"""Unit tests of template/python/kestrel_analytic.py, the Kestrel contract helpers every Python
analytic shares. Run in an analytic's image (pandas and pyarrow from Debian) by
tests/integration/test_analytics_unittests.sh, with the repository mounted read-only."""
import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "template", "python"))

import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import kestrel_analytic as ka  # noqa: E402


@contextlib.contextmanager
def env(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: v for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class Parameters(unittest.TestCase):
    def test_absent_or_blank_gives_the_default(self):
        with env(N=" "):
            self.assertEqual(ka.param_int("N", 7), 7)
            self.assertEqual(ka.param_list("N", ["a"]), ["a"])
        self.assertIsNone(ka.param_str("SURELY_UNSET_PARAMETER"))

    def test_kestrel_renders_numbers_and_lists_as_text(self):
        with env(N="3.0", X="0.25", B="True", L="a, b,c"):
            self.assertEqual(ka.param_int("N", 0), 3)
            self.assertEqual(ka.param_float("X", 0.0), 0.25)
            self.assertIs(ka.param_bool("B", False), True)
            self.assertEqual(ka.param_list("L"), ["a", "b", "c"])

    def test_bad_values_name_the_parameter(self):
        cases = [(lambda: ka.param_int("N", 0), "N", "2.5", "expected an integer"),
                 (lambda: ka.param_int("N", 0, maximum=10), "N", "11", "must be at most 10"),
                 (lambda: ka.param_float("X", 0, minimum=0), "X", "-1", "must be at least 0"),
                 (lambda: ka.param_float("X", 0), "X", "nan", "expected a finite number"),
                 (lambda: ka.param_bool("B", False), "B", "maybe", "expected true or false"),
                 (lambda: ka.param_list("L"), "L", "a,,b", "empty item"),
                 (lambda: ka.param_str("M", choices=["x", "y"]), "M", "z",
                  "expected one of x, y")]
        for read, name, value, text in cases:
            with self.subTest(value=value), env(**{name: value}):
                with self.assertRaises(ka.ParamError) as e:
                    read()
                self.assertIn(f"parameter {name}={value!r}", str(e.exception))
                self.assertIn(text, str(e.exception))

    def test_required(self):
        with self.assertRaisesRegex(ka.ParamError, "SURELY_UNSET_PARAMETER is required"):
            ka.param_list("SURELY_UNSET_PARAMETER", required=True)


class InputOutput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.old_data = ka.DATA
        ka.DATA = self.tmp.name
        os.makedirs(os.path.join(self.tmp.name, "input"))

    def tearDown(self):
        ka.DATA = self.old_data
        self.tmp.cleanup()

    def exit_of(self, call):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as e:
            call()
        return e.exception.code, err.getvalue()

    def test_missing_input_exits_2_naming_the_file(self):
        code, err = self.exit_of(lambda: ka.read_variable("an", usage="procs"))
        self.assertEqual(code, 2)
        self.assertIn("input/0.parquet.gz: no input variable (APPLY docker://an ON procs)", err)

    def test_input_that_is_not_parquet_exits_1(self):
        with open(ka.input_path(0), "wb") as f:
            f.write(b"not parquet")
        code, err = self.exit_of(lambda: ka.read_variable("an"))
        self.assertEqual(code, 1)
        self.assertIn("cannot read Parquet", err)

    def test_round_trip_keeps_values_and_writes_all_null_columns_as_strings(self):
        df = pd.DataFrame({"id": ["a--1", "a--2"], "type": ["a", "a"], "n": [1, 2],
                           "empty": [None, None]})
        df.to_parquet(ka.input_path(0), index=False)
        back = ka.read_variable("an")
        ka.write_variable(back, 0)
        table = pq.read_table(os.path.join(ka.DATA, "output", "0.parquet.gz"))
        self.assertEqual(table.column_names, ["id", "type", "n", "empty"])
        self.assertEqual(str(table.schema.field("empty").type), "string")
        self.assertEqual(table.column("n").to_pylist(), [1, 2])

    def test_no_rows_writes_no_file(self):
        # Kestrel's APPLY crashes on a 0-row output; no file leaves the variable unchanged
        empty = pd.DataFrame({"id": pd.Series([], dtype=object), "type": pd.Series([], dtype=object)})
        self.assertFalse(ka.write_variable(empty, 0))
        self.assertFalse(os.path.exists(os.path.join(ka.DATA, "output", "0.parquet.gz")))
        one = pd.DataFrame({"id": ["a--1"], "type": ["a"]})
        self.assertTrue(ka.write_variable(one, 0))
        self.assertEqual(pq.read_table(os.path.join(ka.DATA, "output", "0.parquet.gz")).num_rows, 1)

    def test_input_indexes_follow_the_files(self):
        self.assertEqual(list(ka.input_indexes()), [0])  # 0 even when absent
        for i in (0, 1, 3):
            open(ka.input_path(i), "wb").close()
        self.assertEqual(list(ka.input_indexes()), [0, 1])  # stops at the first gap

    def test_ensure_id_type_adds_null_columns_only_where_absent(self):
        df = ka.ensure_id_type(pd.DataFrame({"id": ["x"], "v": [1]}))
        self.assertEqual(list(df.columns), ["id", "v", "type"])
        self.assertEqual(df["id"].tolist(), ["x"])
        self.assertIsNone(df["type"][0])

    def test_display_goes_to_one_html_file(self):
        ka.write_display("plot", "<p>hi</p>")
        self.assertEqual(os.listdir(os.path.join(ka.DATA, "display")), ["plot.html"])


if __name__ == "__main__":
    unittest.main()
