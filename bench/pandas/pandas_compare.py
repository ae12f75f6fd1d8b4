# bench/diff.sh's second baseline: pandas read_parquet of both files + assert_frame_equal;
# prints the seconds it took (interpreter start-up and imports excluded).
import sys, time
import pandas as pd
from pandas.testing import assert_frame_equal
t0 = time.perf_counter()
a = pd.read_parquet(sys.argv[1])
b = pd.read_parquet(sys.argv[2])
assert_frame_equal(a, b)
print(f"{time.perf_counter() - t0:.4f}")
