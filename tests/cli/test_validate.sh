# kanalytic validate: exact file:line:col of findings, --format json, GitHub annotations,
# --strict, exit codes 0/1/2, paths relative to the working directory, folders outside the
# repository, and the bad-input classes end to end.
source "$(dirname "$0")/../lib.sh"
export KANALYTIC_SCHEMAS="$ROOT/schemas"
unset KANALYTIC_ROOT GITHUB_ACTIONS
FIX="$ROOT/tests/fixtures/manifest"

# repo/analytics/NAME from a fixture manifest (name rewritten to NAME), with the files an
# analytic needs and one test case.
mk() {
  local name=$1 src=$2 d="$TMP/repo/analytics/$1"
  mkdir -p "$d/tests/basic/input"
  sed "s/^name: good$/name: $name/" "$src" >"$d/analytic.yaml"
  echo "FROM debian:sid-slim" >"$d/Dockerfile"
  echo "# $name" >"$d/README.md"
  printf 'description: basic\nparameters: {columns: [a, b]}\n' >"$d/tests/basic/case.yaml"
  cp "$ROOT/tests/fixtures/kestrel-shape/kestrel-shaped.parquet" "$d/tests/basic/input/0.parquet.gz"
}
mk good "$FIX/good/base.yaml"
cd "$TMP/repo" || exit 1

run "$KANALYTIC" validate --help
expect_rc 0 "--help"; expect_out_has "usage: kanalytic validate"; expect_out_has "examples:"

run "$KANALYTIC" validate
expect_rc 0 "clean repository"; expect_err_has "1 analytic(s) checked: 0 error(s), 0 warning(s)"
[ -z "$out" ] || fail "clean run printed findings: $out"

# a finding at the exact line and column, path relative to the working directory
mk foo "$FIX/bad/unknown-entity-type.yaml"
run "$KANALYTIC" validate
expect_rc 1 "unknown entity type"
expect_out_has "analytics/foo/analytic.yaml:8:20: error: unknown entity type 'network-trafic' (did you mean 'network-traffic'?)"
run "$KANALYTIC" validate foo
expect_rc 1 "by name"
expect_out_has "analytics/foo/analytic.yaml:8:20: error:"
run "$KANALYTIC" validate good
expect_rc 0 "only the good one"
(cd analytics && "$KANALYTIC" validate foo >"$TMP/sub.out" 2>&1)
grep -qF -x "foo/analytic.yaml:8:20: error: unknown entity type 'network-trafic' (did you mean 'network-traffic'?)" "$TMP/sub.out" ||
  fail "from a sub-folder: $(cat "$TMP/sub.out")"
run "$KANALYTIC" validate ./analytics/foo
expect_rc 1 "by path"; expect_out_has "./analytics/foo/analytic.yaml:8:20: error:"

# --format json: one array, fields with the same position
run "$KANALYTIC" validate --format json foo
expect_rc 1 "json"
python3 - "$TMP/out" <<'EOF' || fail "json output: $out"
import json, sys
d = json.load(open(sys.argv[1]))
f = [x for x in d if x["rule"] == "unknown-entity-type"]
assert len(f) == 1, d
x = f[0]
assert (x["file"], x["line"], x["column"], x["severity"]) == \
    ("analytics/foo/analytic.yaml", 8, 20, "error"), x
EOF
run "$KANALYTIC" validate --format json good
expect_rc 0 "json clean"; [ "$out" = "[]" ] || fail "clean json: $out"

# GitHub annotations
GITHUB_ACTIONS=true run "$KANALYTIC" validate foo
expect_rc 1 "github"
expect_out_has "::error file=analytics/foo/analytic.yaml,line=8,col=20::unknown entity type 'network-trafic'"
expect_out_has "analytics/foo/analytic.yaml:8:20: error:"

# several findings, each at its own place; schema errors at the key for unknown keys
mk typo "$FIX/bad/unknown-key.yaml"
run "$KANALYTIC" validate typo
expect_rc 1 "unknown key"
expect_out_has "analytics/typo/analytic.yaml:31:1: error: unknown key 'paramters' (did you mean 'parameters'?)"
mk disp "$FIX/bad/display-typo.yaml"
run "$KANALYTIC" validate disp
expect_out_has "analytics/disp/analytic.yaml:26:10: error: display: 'htm' is not one of: none, html (did you mean 'html'?)"
rm -rf analytics/typo analytics/disp

# --strict: warnings become errors
mk lic "$FIX/bad/license-typo.yaml"
run "$KANALYTIC" validate lic
expect_rc 0 "warning only"
expect_out_has "analytics/lic/analytic.yaml:6:10: warning: 'Apache2.0' is not a common SPDX license identifier (did you mean 'Apache-2.0'?)"
run "$KANALYTIC" validate --strict lic
expect_rc 1 "--strict"
expect_out_has "analytics/lic/analytic.yaml:6:10: error: 'Apache2.0'"
rm -rf analytics/lic/tests
run "$KANALYTIC" validate good
rm -rf analytics/good/tests
run "$KANALYTIC" validate good
expect_rc 0 "no test cases is a warning"
expect_out_has "analytics/good/tests: warning: no test cases"
run "$KANALYTIC" validate --strict good
expect_rc 1 "no test cases under --strict"
mk good "$FIX/good/base.yaml"
rm -rf analytics/lic

# the template's prose about its example attribute, left in a README: a warning, an error
# under --strict (as the CI gate runs it); the python template's wrapping, or any other
mk tpl "$FIX/good/base.yaml"
cp "$ROOT/template/python/README.md" analytics/tpl/README.md
run "$KANALYTIC" validate tpl
expect_rc 0 "template prose is a warning"
expect_out_has "analytics/tpl/README.md:9:48: warning: template text left in: \"Replace this with what the analytic"
run "$KANALYTIC" validate --strict tpl
expect_rc 1 "template prose under --strict"
expect_out_has "analytics/tpl/README.md:9:48: error: template text left in"
printf '# tpl\n\nfor every input variable it adds `x_seen_count`, the number of rows of the\nvariable that share the row'"'"'s `id`.\n' >analytics/tpl/README.md
run "$KANALYTIC" validate --strict tpl
expect_rc 1 "template prose wrapped differently"
expect_out_has "analytics/tpl/README.md:3:"
printf '# tpl\n\nCounts how often an entity is seen in its variable.\n' >analytics/tpl/README.md
run "$KANALYTIC" validate --strict tpl
expect_rc 0 "a README of its own"
rm -rf analytics/tpl

# test cases: parameters checked against the manifest, at the value
printf 'description: x\nparameters:\n  columns: [a]\n  n_clusters: 99\n' \
  >analytics/good/tests/basic/case.yaml
run "$KANALYTIC" validate good
expect_rc 1 "case parameters"
expect_out_has "analytics/good/tests/basic/case.yaml:4:15: error: parameter 'n_clusters': 99 is greater than the maximum 10"
mk good "$FIX/good/base.yaml"

# folder name and files
mk foo2 "$FIX/good/base.yaml"
sed -i 's/^name: foo2$/name: foo/' analytics/foo2/analytic.yaml && rm analytics/foo2/README.md
run "$KANALYTIC" validate foo2
expect_rc 1 "folder name"
expect_out_has "analytics/foo2/analytic.yaml:2:7: error: name 'foo' must equal the folder name 'foo2'"
expect_out_has "analytics/foo2/README.md: error: missing README.md"
rm -rf analytics/foo2 analytics/foo

# a folder outside the repository
mkdir -p "$TMP/elsewhere" && cp -r analytics/good "$TMP/elsewhere/good"
(cd "$TMP" && "$KANALYTIC" validate elsewhere/good >"$TMP/ext.out" 2>&1; echo $? >"$TMP/ext.rc")
[ "$(cat "$TMP/ext.rc")" = 0 ] || fail "outside the repository: $(cat "$TMP/ext.out")"

# exit 2: usage, unknown analytic, unreadable manifest
run "$KANALYTIC" validate --format xml
expect_rc 2 "bad format"; expect_err_has "unknown format 'xml'"
run "$KANALYTIC" validate --frobnicate
expect_rc 2 "bad option"
run "$KANALYTIC" validate nosuch
expect_rc 2 "unknown analytic"; expect_err_has "nosuch: no such analytic"
run "$KANALYTIC" validate "$TMP/nowhere/x"
expect_rc 2 "missing path"
mkdir -p analytics/dir/analytic.yaml
run "$KANALYTIC" validate dir
expect_rc 2 "manifest is a folder"; expect_err_has "not a regular file"
rm -rf analytics/dir
KANALYTIC_SCHEMAS="$TMP/none" run "$KANALYTIC" validate good
expect_rc 2 "no schemas"; expect_err_has "KANALYTIC_SCHEMAS"

# issue 13: nothing under tests/ may be a link (or anything but a file or a folder): the gate
# reads those files on the host
mk links "$FIX/good/base.yaml"
echo s3cr3t-content >"$TMP/host-file"
rm analytics/links/tests/basic/input/0.parquet.gz
ln -s "$TMP/host-file" analytics/links/tests/basic/input/0.parquet.gz
ln -s /etc/passwd analytics/links/tests/notes
mkfifo analytics/links/tests/basic/fifo
run "$KANALYTIC" validate links
expect_rc 1 "links under tests/"
expect_out_has "analytics/links/tests/basic/fifo: error: not a regular file or folder: refused"
expect_out_has "analytics/links/tests/basic/input/0.parquet.gz: error: symbolic link to '$TMP/host-file': refused"
expect_out_has "analytics/links/tests/notes: error: symbolic link to '/etc/passwd': refused"
expect_out_lacks "s3cr3t"
rm -rf analytics/links/tests
ln -s "$TMP/repo/analytics/good/tests" analytics/links/tests
run "$KANALYTIC" validate links
expect_rc 1 "tests/ itself a link"
expect_out_has "analytics/links/tests: error: symbolic link to"
rm -rf analytics/links

# bad input classes: each a positioned error and exit 1
bad() { # name, file content producer, expected text
  mkdir -p "analytics/$1"
  echo "FROM x" >"analytics/$1/Dockerfile"
  echo "# x" >"analytics/$1/README.md"
  run "$KANALYTIC" validate "$1"
  expect_rc 1 "$1"
  expect_out_has "$2"
  rm -rf "analytics/$1"
}
mkdir -p analytics/tabs && printf 'schema_version: 1\nruntime:\n\ttimeout: 5\n' >analytics/tabs/analytic.yaml
bad tabs "analytics/tabs/analytic.yaml:3:1: error: tab character"
mkdir -p analytics/latin1 && printf 'schema_version: 1\ndescription: caf\xe9\n' >analytics/latin1/analytic.yaml
bad latin1 "analytics/latin1/analytic.yaml:2:17: error: invalid UTF-8"
mkdir -p analytics/broken && printf 'name: [a, b\nversion: 1\n' >analytics/broken/analytic.yaml
bad broken "analytics/broken/analytic.yaml:2:8: error: malformed YAML"
mkdir -p analytics/huge && truncate -s 50M analytics/huge/analytic.yaml
bad huge "analytics/huge/analytic.yaml:1:1: error: file is too large (52428800 bytes"
mkdir -p analytics/deep && python3 -c 'print("a: " + "[" * 100000)' >analytics/deep/analytic.yaml
bad deep "analytics/deep/analytic.yaml:1:67: error: nesting deeper than 64 levels"
mkdir -p analytics/lol && python3 - >analytics/lol/analytic.yaml <<'EOF'
print('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]')
for i in range(1, 26):
    p, c = chr(96 + i), chr(97 + i)
    print('%s: &%s [%s]' % (c, c, ','.join(['*' + p] * 9)))
EOF
bad lol "analytics/lol/analytic.yaml:1:4: error: anchors (&a) and aliases are not supported"
# issue 13: a number too large for a double is out of range at its own position (it used to be
# reported as "expected integer, got string 'memory'" at the next key)
mkdir -p analytics/big && sed -e 's/^name: good$/name: big/' -e 's/^  timeout: 60$/  timeout: 1e400/' \
  "$FIX/good/base.yaml" >analytics/big/analytic.yaml
bad big "analytics/big/analytic.yaml:29:12: error: '1e400' is too large for a number"
mkdir -p analytics/big && sed -e 's/^name: good$/name: big/' \
  -e "s/^  timeout: 60\$/  timeout: 1$(printf '%0400d' 0)/" "$FIX/good/base.yaml" >analytics/big/analytic.yaml
bad big "analytics/big/analytic.yaml:29:12: error: runtime.timeout: 1.7976931348623157e308 is greater than the maximum"
mkdir -p analytics/big && sed -e 's/^name: good$/name: big/' \
  -e 's/^  timeout: 60$/  timeout: 0x1ffffffffffffffffffff/' "$FIX/good/base.yaml" >analytics/big/analytic.yaml
bad big "analytics/big/analytic.yaml:29:12: error: runtime.timeout: 1.7976931348623157e308 is greater than the maximum"
mkdir -p analytics/dup && printf 'schema_version: 1\nname: dup\nname: dup\n' >analytics/dup/analytic.yaml
bad dup "analytics/dup/analytic.yaml:3:1: error: duplicate key 'name'"
mkdir -p analytics/yes && { sed 's/^name: good$/name: yes/' "$FIX/good/base.yaml"; echo "off: 1"; } >analytics/yes/analytic.yaml
bad yes "analytics/yes/analytic.yaml:31:1: warning: key 'off' is a boolean in YAML 1.1"
done_testing
