# kanalytic run: an analytic on your own files exactly as APPLY would (real engine).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
CASE=analytics/sklearn-cluster/tests/blog-outliers
IN=$CASE/input/0.parquet.gz

# parameters are checked before any container starts: no container may appear
# (events since now, filtered to containers of this analytic, so parallel work elsewhere does not count)
since=$(date +%s)
created_for_run() {
  curl -s --max-time 2 --unix-socket /var/run/docker.sock \
    "http://localhost/events?since=$since&until=$(date +%s)&filters=%7B%22event%22%3A%5B%22create%22%5D%2C%22image%22%3A%5B%22kestrel-analytics-sklearn-cluster%3Alatest%22%5D%7D" |
    grep -c '"Action":"create"'
}
run "$KANALYTIC" run sklearn-cluster -i "$IN" -p n_cluster=2
expect_rc 2 "misspelt parameter"; expect_err_has "did you mean 'n_clusters'"
expect_err_has "missing required parameter 'columns'"; expect_err_has "no container was started"
run "$KANALYTIC" run sklearn-cluster -i "$IN" -p columns=a -p n_clusters=abc
expect_rc 2 "wrong type"; expect_err_has "'n_clusters' is an integer"
run "$KANALYTIC" run sklearn-cluster -i "$IN" -i "$IN" -p columns=a
expect_rc 2 "two inputs for a one-input analytic"; expect_err_has "takes 1 input"
echo "not parquet" >"$TMP/bad.parquet"
run "$KANALYTIC" run sklearn-cluster -i "$TMP/bad.parquet" -p columns=a
expect_rc 2 "unreadable input"; expect_err_has "bad.parquet"
[ "$(created_for_run)" = 0 ] || fail "a container was created for a run with bad parameters"

# a real run: same result as the golden case, new column marked, file where it says
run "$KANALYTIC" run sklearn-cluster -i "$IN" -p columns=src_byte_count,dst_byte_count \
  -p n_clusters=2 --out "$TMP/runout" --head 3
expect_rc 0 "run sklearn-cluster"
expect_out_has "new: cluster"; expect_out_has "+cluster"; expect_out_has "outputs in $TMP/runout/"
expect_file "$TMP/runout/output/0.parquet.gz"
run "$KANALYTIC" diff --key id "$CASE/expected/output/0.parquet.gz" "$TMP/runout/output/0.parquet.gz"
expect_rc 0 "run output equals the golden"

# a display analytic: the display file lands in OUT/display/
PLOT=$(ls -d analytics/attribute-plot/tests/*/ | head -n1)
if [ -f "$PLOT/expected/display.html" ]; then
  params=$(python3 - "$PLOT/case.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read().split("parameters:", 1)[1]
for line in text.splitlines()[1:]:
    m = re.match(r"^\s+(\w+):\s*(.+)$", line)
    if not m: break
    v = m.group(2).strip().strip("[]").replace(" ", "")
    print(f"-p {m.group(1)}={v}", end=" ")
PY
)
  run "$KANALYTIC" run attribute-plot -i "$PLOT/input/0.parquet.gz" $params --out "$TMP/plot"
  expect_rc 0 "run attribute-plot"; expect_out_has "display: $TMP/plot/display/display.html"
  cmp -s "$PLOT/expected/display.html" "$TMP/plot/display/display.html" || fail "display differs from the golden"
fi
left=$(curl -s --unix-socket /var/run/docker.sock 'http://localhost/containers/json?all=1&filters=%7B%22label%22%3A%5B%22io.kanalytic%3D1%22%5D%2C%22ancestor%22%3A%5B%22kestrel-analytics-sklearn-cluster%3Alatest%22%2C%22kestrel-analytics-attribute-plot%3Alatest%22%5D%7D')
[ "$left" = "[]" ] || fail "containers left behind: $left"
done_testing
