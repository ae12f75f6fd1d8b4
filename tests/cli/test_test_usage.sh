#!/usr/bin/env bash
# kanalytic test: usage errors and discovery problems end with exit 2 and a clear message,
# before any container runs (no engine needed).
source "$(dirname "$0")/../lib.sh"
export KANALYTIC_SCHEMAS=$ROOT/schemas
mkdir -p "$TMP/repo/analytics"
cp -r "$ROOT/tests/analytics-negative/copy" "$TMP/repo/analytics/"
export KANALYTIC_ROOT=$TMP/repo

run "$KANALYTIC" test --help
expect_rc 0 "--help"; expect_out_has "exit codes: 0 all passed, 1 a case failed, 2"
run "$KANALYTIC" test --bogus
expect_rc 2 "unknown option"
run "$KANALYTIC" test -j 0
expect_rc 2 "-j 0"; expect_err_has "-j must be a whole number"
run "$KANALYTIC" test --repeat x
expect_rc 2 "--repeat x"
run "$KANALYTIC" test --update --ci
expect_rc 2 "--update with --ci"; expect_err_has "exclude each other"
run "$KANALYTIC" test --format xml
expect_rc 2 "--format xml"
run "$KANALYTIC" test nope
expect_rc 2 "unknown analytic"; expect_err_has "nope: no such analytic"
run "$KANALYTIC" test copy/nope
expect_rc 2 "unknown case"; expect_err_has "copy/nope: no such test case"
run env KANALYTIC_ROOT="$TMP/nowhere" "$KANALYTIC" test
expect_rc 2 "no repository"; expect_err_has "KANALYTIC_ROOT"
run env KANALYTIC_OUTPUT_CAP=lots "$KANALYTIC" test copy
expect_rc 2 "bad KANALYTIC_OUTPUT_CAP"; expect_err_has "KANALYTIC_OUTPUT_CAP"
# an invalid case.yaml is reported with its position before anything runs
printf 'description: x\nexpect:\n  exit_code: 999\n' >"$TMP/repo/analytics/copy/tests/same/case.yaml"
run env DOCKER_HOST=unix:///nonexistent.sock "$KANALYTIC" test copy
expect_rc 2 "bad case.yaml"; expect_err_has "case.yaml:3:"
done_testing
