"""Writes template/{python,c}/tests/basic/input/0.parquet.gz: five network-traffic rows, one
entity (…0001) observed three times. tool/cmd/new.c writes the same rows for other entity
types (id and type only) when `kanalytic new --entity-type T` names one."""
import os

import pandas as pd

ids = ["0001", "0002", "0001", "0003", "0001"]
df = pd.DataFrame({
    "id": [f"network-traffic--0b7a7bfa-1c0e-4b5e-9d55-4a3e0f1f{n}" for n in ids],
    "type": ["network-traffic"] * 5,
    "src_ref.value": ["10.0.0.5", "10.0.0.7", "10.0.0.5", "10.0.0.9", "10.0.0.5"],
    "dst_ref.value": ["192.0.2.10", "198.51.100.7", "192.0.2.10", "203.0.113.5", "192.0.2.10"],
    "dst_port": pd.array([443, 53, 443, 22, 443], dtype="int64"),
})
for t in ("python", "c"):
    d = f"template/{t}/tests/basic/input"
    os.makedirs(d, exist_ok=True)
    df.to_parquet(f"{d}/0.parquet.gz", index=False)
