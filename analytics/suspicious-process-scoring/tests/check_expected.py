"""Checks the golden outputs of the suspicious-process-scoring cases against scores worked out
by hand from rules.json (run inside the image from the analytic's folder:
python3 tests/check_expected.py)."""
import json
import os

import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))


def rows(case, part):
    return pq.read_table(os.path.join(HERE, case, part, "0.parquet.gz")).to_pylist()


def case(name, keep=None):
    inp, out = rows(name, "input"), rows(name, "expected/output")
    by_id = {r["id"]: r for r in inp}
    assert [r["id"] for r in out] == [r["id"] for r in inp if keep is None or r["id"] in keep]
    for r in out:
        assert all(r[k] == v or v != v for k, v in by_id[r["id"]].items()), name
    return [(r["x_suspicious_score"], json.loads(r["x_suspicious_reasons"])) for r in out]


WGET, CHMOD = "download-with-wget-curl", "chmod-world-writable"
assert case("kestrel-procs") == [
    (10, ["discovery-whoami"]),        # whoami
    (35, [WGET, CHMOD]),               # bash -c "wget http://...; chmod 777 tool": 15 + 20
    (15, [WGET]),                      # wget http://example.com/tool
    (20, [CHMOD]),                     # chmod 777 tool
    (0, []),                           # vim hosts
]

inp = rows("windows-threshold", "input")
keep = {r["id"] for r in inp[:5]}     # the last three score 0, 0 and 10: below 50
assert case("windows-threshold", keep) == [
    (50 + 20 + 10 + 60, ["powershell-encoded-command", "powershell-hidden-window",
                         "powershell-bypass", "office-spawns-shell"]),
    (10 + 40, ["lolbin-certutil", "certutil-download-decode"]),
    (50 + 60, ["regsvr32-scriptlet", "office-spawns-shell"]),
    (50, ["webserver-spawns-shell"]),
    (60, ["shadow-copy-deletion"]),
]

assert case("missing-columns") == [(10, ["lolbin-certutil"]), (0, []), (0, []),
                                   (10, ["discovery-whoami"])]

nulls = case("kestrel-procs-nulls")
assert len(nulls) == 60 and all(s == (0, []) for s in nulls)
print("suspicious-process-scoring goldens: all values as expected")
