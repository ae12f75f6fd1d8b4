"""Writes analytics/domain-dga-score/tests/*/input/0.parquet.gz.

mixed-domains: domain-name entities, well-known benign names next to DGA-like ones. The
DGA-like names follow the shapes of published families (random letters as in Conficker or
CryptoLocker, hexadecimal as in hash-based generators, letters and digits) but are generated
here with a seeded random generator that is not the one used to fit the model.
network-traffic: real Kestrel network-traffic rows (dst_ref.value is an IP address in all of
them, without the bare reference column Kestrel 1.8 never sends) with a few destinations replaced
by domain names, and one null.
"""
import os

import numpy as np
import pandas as pd

from kestrel_shape import as_kestrel_sends, write_empty_variable

ROOT = "analytics/domain-dga-score/tests"
SHARED = os.environ.get("SHARED", "/shared")


def write(case, df):
    d = os.path.join(ROOT, case, "input")
    os.makedirs(d, exist_ok=True)
    df.to_parquet(os.path.join(d, "0.parquet.gz"), index=False)


def ids(kind, n):
    return [f"{kind}--5f2d8c1e-7a3b-4c9d-8e1f-{i:012d}" for i in range(1, n + 1)]


benign = ["www.google.com", "en.wikipedia.org", "stackoverflow.com", "www.bbc.co.uk",
          "github.com", "login.microsoftonline.com", "updates.mozilla.org", "cdn.jsdelivr.net",
          "www.theguardian.com", "mail.yahoo.co.jp", "accounts.spotify.com", "weather.gov",
          "docs.python.org", "www.amazon.com.au", "archive.org", "news.ycombinator.com"]
rng = np.random.default_rng(31337)
letters = list("abcdefghijklmnopqrstuvwxyz")
dga = ["".join(rng.choice(letters, int(rng.integers(10, 18)))) + tld
       for tld in (".com", ".net", ".org", ".info", ".biz", ".ru")]
dga += ["".join(rng.choice(list("0123456789abcdef"), 16)) + ".com" for _ in range(3)]
dga += ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), 12)) + ".net"
        for _ in range(3)]
values = benign + dga
write("mixed-domains", pd.DataFrame({"id": ids("domain-name", len(values)),
                                     "type": ["domain-name"] * len(values),
                                     "value": values}))

real = pd.read_parquet(os.path.join(SHARED, "kestrel-testdata/nettraffic.parquet.gz")).head(10)
real = as_kestrel_sends(real.reset_index(drop=True))
real.loc[1, "dst_ref.value"] = "api.github.com"
real.loc[4, "dst_ref.value"] = "qxkzvbwplmrt.biz"
real.loc[6, "dst_ref.value"] = None
real.loc[8, "dst_ref.value"] = "2001:db8::17"
write("network-traffic", real)

edge = ["", "EXAMPLE.COM.", None, "localhost", "192.0.2.44", "xn--bcher-kva.example",
        "a.b", "WWW.KQZXVBNMWPTR.COM"]
write("nulls-and-odd-values", pd.DataFrame({"id": ids("domain-name", len(edge)),
                                            "type": ["domain-name"] * len(edge),
                                            "value": edge}))
# An empty variable, as Kestrel sends it: 0 rows and 0 columns.
write_empty_variable(os.path.join(ROOT, "empty-input", "input", "0.parquet.gz"))
write("bad-threshold", pd.DataFrame({"id": ids("domain-name", 1), "type": ["domain-name"],
                                     "value": ["example.com"]}))
