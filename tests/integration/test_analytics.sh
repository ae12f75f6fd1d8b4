# The collection itself: every analytic in analytics/ validates strictly, builds through the
# Engine API, and passes all its golden cases twice in a row (flaky analytics fail), in the
# sandbox, exactly as the CI gate would run them.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
run "$KANALYTIC" validate --strict
expect_rc 0 "validate --strict of the collection"
"$KANALYTIC" build -j 2 >"$TMP/build.log" 2>&1 || fail "kanalytic build: $(tail -n 30 "$TMP/build.log")"
run "$KANALYTIC" test --ci --repeat 2 -j 2 --no-build --junit "$TMP/junit.xml"
expect_rc 0 "every analytic passes test --ci --repeat 2"
[ "$rc" -eq 0 ] || echo "$out" | tail -n 60 >&2
# every analytic took part, each with at least two cases
for a in analytics/*/; do
  a=$(basename "$a")
  n=$(grep -c "classname=\"$a\"" "$TMP/junit.xml")
  [ "$n" -ge 2 ] || fail "$a ran $n cases (at least two expected)"
done
sed -n 2p "$TMP/junit.xml" | grep -q 'failures="0" errors="0"' || fail "JUnit reports failures"
done_testing
