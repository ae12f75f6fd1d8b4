# kanalytic new: names, refusals, placeholders, author from git config, retyped test case,
# and that what it creates validates (no Docker here; tests/integration/test_new.sh builds
# and tests what it creates).
source "$(dirname "$0")/../lib.sh"

repo=$TMP/repo
mkdir -p "$repo/analytics"
cp -r "$ROOT/schemas" "$ROOT/template" "$ROOT/tool" "$repo/"
cp -r "$ROOT/analytics/sklearn-cluster" "$repo/analytics/"
git init -q "$repo"
git -C "$repo" config user.name "Ada Hunter"
git -C "$repo" config user.email "ada@example.org"
cd "$repo" || exit 1
no_leftovers() { ! ls -a analytics | grep -q '^\.new-' || fail "temporary folder left in analytics/"; }

run "$KANALYTIC" new --help
expect_rc 0 "--help"; expect_out_has "usage: kanalytic new NAME"; expect_out_has "examples:"

run "$KANALYTIC" new
expect_rc 2 "no name"; expect_err_has "expected exactly one NAME"

for bad in Bad-Name -x _x 'a b' 'a.b' 'a/b' "$(printf 'x%.0s' {1..101})"; do
  run "$KANALYTIC" new -- "$bad"
  expect_rc 2 "name '$bad'"; expect_err_has "not a valid name"
done

run "$KANALYTIC" new sklearn-cluster
expect_rc 2 "existing analytic"; expect_err_has "analytics/sklearn-cluster already exists"

# Another analytic whose manifest name would give the same image.
mkdir analytics/renamed
sed 's/^name: sklearn-cluster/name: beacon/' analytics/sklearn-cluster/analytic.yaml \
  >analytics/renamed/analytic.yaml
run "$KANALYTIC" new beacon
expect_rc 2 "image collision"; expect_err_has "already builds the image kestrel-analytics-beacon"
expect_no_file analytics/beacon
rm -r analytics/renamed

run "$KANALYTIC" new x1 --template rust
expect_rc 2 "unknown template"; expect_err_has "--template rust: expected python or c"
run "$KANALYTIC" new x1 --param threshold
expect_rc 2 "param without type"; expect_err_has "expected NAME:TYPE"
run "$KANALYTIC" new x1 --param threshold:float
expect_rc 2 "param type"; expect_err_has "unknown type 'float'"
run "$KANALYTIC" new x1 --param lambda:number
expect_rc 2 "reserved word"; expect_err_has "'lambda' is a reserved word"
run "$KANALYTIC" new x1 --param 9lives:integer
expect_rc 2 "param name"; expect_err_has "must match"
run "$KANALYTIC" new x1 --param a:integer --param a:string
expect_rc 2 "duplicate param"; expect_err_has "--param a given twice"
run "$KANALYTIC" new x1 --entity-type Process
expect_rc 2 "entity type form"; expect_err_has "--entity-type Process"
run "$KANALYTIC" new x1 --entity-type '*' --entity-type process
expect_rc 2 "star with others"; expect_err_has "do not combine"
run "$KANALYTIC" new x1 --description 'a {{name}} b'
expect_rc 2 "braces in description"; expect_err_has "without '{{'"
expect_no_file analytics/x1

# An unknown entity type passes the argument check but not validation: nothing is kept.
run "$KANALYTIC" new x2 --entity-type proces
expect_rc 1 "unknown entity type"; expect_err_has "nothing was kept"
expect_no_file analytics/x2; no_leftovers

# Python, with parameters of every type.
run "$KANALYTIC" new beacon-score --entity-type process --param threshold:number \
  --param columns:list --param strict:boolean --param top:integer --param label:string \
  --description 'Scores "beacons": periodic connections.'
expect_rc 0 "new python"
expect_out_has "created analytics/beacon-score from template/python"
expect_out_has "kanalytic validate beacon-score"
expect_out_has "kanalytic build beacon-score"
expect_out_has "kanalytic test beacon-score"
expect_out_has "APPLY docker://beacon-score ON var WITH threshold=0.5, columns=(src_port,dst_port), strict=true, top=10, label='text'"
for f in Dockerfile analytics.py analytic.yaml README.md tests/basic/case.yaml \
  tests/basic/input/0.parquet.gz tests/basic/expected/output/0.parquet.gz; do
  expect_file "analytics/beacon-score/$f"
done
grep -rn '{{' analytics/beacon-score && fail "placeholder left in analytics/beacon-score"
grep -q '^name: beacon-score$' analytics/beacon-score/analytic.yaml || fail "manifest name"
grep -qF -- '- "Ada Hunter <ada@example.org>"' analytics/beacon-score/analytic.yaml ||
  fail "author from git config missing"
grep -qF 'description: "Scores \"beacons\": periodic connections."' \
  analytics/beacon-score/analytic.yaml || fail "description not YAML-quoted"
grep -qF 'entity_types: ["process"]' analytics/beacon-score/analytic.yaml || fail "entity types"
grep -qF '"top": param_int("top", 0),' analytics/beacon-score/analytics.py || fail "python reads"
grep -qF 'def analytics(df, threshold=0.0, columns=None, strict=False, top=0, label=None):' \
  analytics/beacon-score/analytics.py || fail "python signature"
grep -q '^FROM debian:sid-slim$' analytics/beacon-score/Dockerfile || fail "shared base"
python3 -c 'import ast,sys; ast.parse(open(sys.argv[1]).read())' \
  analytics/beacon-score/analytics.py || fail "analytics.py is not valid Python"
# The template's network-traffic test case is rewritten for the declared type.
run "$KANALYTIC" show --format csv analytics/beacon-score/tests/basic/input/0.parquet.gz
expect_rc 0 "show input"; expect_out_has "process--0b7a7bfa-1c0e-4b5e-9d55-4a3e0f1f0001,process"
expect_out_lacks "network-traffic"
run "$KANALYTIC" show --format csv analytics/beacon-score/tests/basic/expected/output/0.parquet.gz
expect_rc 0 "show golden"; expect_out_has "process--0b7a7bfa-1c0e-4b5e-9d55-4a3e0f1f0001,process,3"
run "$KANALYTIC" validate beacon-score
expect_rc 0 "validate python"

run "$KANALYTIC" new beacon-score
expect_rc 2 "refuses to overwrite"; expect_err_has "already exists"

# C, any entity type (the template's case is kept as it is).
run "$KANALYTIC" new dga-lite --template c --param cutoff:number
expect_rc 0 "new c"; expect_out_has "src/analytic.c"
grep -rn '{{' analytics/dga-lite && fail "placeholder left in analytics/dga-lite"
grep -q '^FROM scratch$' analytics/dga-lite/Dockerfile || fail "C image not FROM scratch"
grep -qF 'kestrel_param_double("cutoff", 0.0' analytics/dga-lite/src/analytic.c || fail "C reads"
grep -qF 'entity_types: ["*"]' analytics/dga-lite/analytic.yaml || fail "default entity type"
grep -qF 'src: tool/parquet' analytics/dga-lite/analytic.yaml || fail "build.include"
if command -v cc >/dev/null; then
  mkdir -p "$TMP/cbuild/vendor" && cp -r analytics/dga-lite/src "$TMP/cbuild/" &&
    cp -r tool "$TMP/cbuild/vendor/" &&
    cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -fsyntax-only \
      -I"$TMP/cbuild/vendor/tool" -I"$TMP/cbuild/src" $(pkg-config --cflags snappy 2>/dev/null) \
      "$TMP/cbuild"/src/*.c || fail "generated C does not compile"
fi
run "$KANALYTIC" validate dga-lite
expect_rc 0 "validate c"

# Without git identity the author falls back to $USER, with a note.
git -C "$repo" config --unset user.name; git -C "$repo" config --unset user.email
run env HOME="$TMP/nohome" XDG_CONFIG_HOME="$TMP/nohome" USER=someone "$KANALYTIC" new no-author
expect_rc 0 "no git identity"; expect_err_has "no user.name in git config"
grep -qF -- '- "someone"' analytics/no-author/analytic.yaml || fail "fallback author"
no_leftovers
done_testing
