# publish / install / list / info refusals that need no registry and no engine: usage, bad
# --registry, credentials, broken or foreign indexes, an unreachable engine. The registry and
# engine cases are in tests/integration/test_share.sh.
source "$(dirname "$0")/../lib.sh"
export DOCKER_HOST=unix://$TMP/no-engine.sock DOCKER_CONFIG=$TMP/cfg
mkdir -p "$TMP/cfg"

for c in publish install list info; do
  run "$KANALYTIC" help "$c"
  expect_rc 0 "help $c"; expect_out_has "examples:"
done
run "$KANALYTIC" publish copy
expect_rc 2 "publish without --registry"; expect_err_has "--registry is required"
run "$KANALYTIC" publish copy --registry "http://127.0.0.1:5000"
expect_rc 2 "scheme"; expect_err_has "without a scheme"
run "$KANALYTIC" publish copy --registry 127.0.0.1:5000/Upper
expect_rc 2 "upper-case namespace"; expect_err_has "lower case"
run "$KANALYTIC" publish copy --registry 127.0.0.1:5000 --username ci
expect_rc 2 "--username alone"; expect_err_has "--password-stdin"
run "$KANALYTIC" publish copy --registry 127.0.0.1:5000 --username ci --password-stdin </dev/null
expect_rc 2 "empty password"; expect_err_has "held no password"
printf '{"credsStore":"desktop"}' >"$TMP/cfg/config.json"
run "$KANALYTIC" publish copy --registry 127.0.0.1:5000
expect_rc 2 "credsStore"; expect_err_has "docker-credential-desktop"; expect_err_has "$TMP/cfg/config.json"
rm "$TMP/cfg/config.json"
run "$KANALYTIC" publish copy --registry 127.0.0.1:5000
expect_rc 2 "no engine"; expect_err_has "no-engine.sock"

echo '{"format":"kanalytic-index","format_version":1,"analytics":[' >"$TMP/broken.json"
run "$KANALYTIC" publish copy --registry 127.0.0.1:5000 --index "$TMP/broken.json"
expect_rc 2 "publish with a broken index"; expect_err_has "broken.json:"
cmp -s "$TMP/broken.json" <(echo '{"format":"kanalytic-index","format_version":1,"analytics":[') ||
  fail "a refused publish rewrote the index"
run "$KANALYTIC" install copy --index "$TMP/broken.json"
expect_rc 2 "install with a broken index"; expect_err_has "not valid JSON"
echo '{"format":"kanalytic-index","format_version":1,"registry":"127.0.0.1:5000/k","analytics":[]}' >"$TMP/empty.json"
run "$KANALYTIC" install copy --index "$TMP/empty.json"
expect_rc 2 "install of a name not in the index"; expect_err_has "not in the index"
run "$KANALYTIC" install copy
expect_rc 2 "install without a registry"; expect_err_has "--registry is required"
run "$KANALYTIC" install "copy@" --registry 127.0.0.1:5000
expect_rc 2 "empty version"
run "$KANALYTIC" list
expect_rc 2 "list without --installed"; expect_err_has "--installed"
run "$KANALYTIC" info
expect_rc 2 "info without a name"
run "$KANALYTIC" info copy
expect_rc 2 "info without an engine"; expect_err_has "no-engine.sock"
done_testing
