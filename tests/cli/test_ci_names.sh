# Hostile names in a pull request (issue 13, item 4): a file named "x\n::error ...\ny", an
# analytic folder whose name holds a newline and ::add-mask::, a "##[add-mask]" name (GitHub's
# older command form, obeyed anywhere in a line) and one that is Markdown/HTML. `kanalytic ci`
# must print each name quoted as git does, and GitHub Actions must obey nothing in its log
# but the gate's own annotations. tests/cli/gh_runner.py reads the log as the runner does.
source "$(dirname "$0")/../lib.sh"

g() { git -C "$repo" -c user.name=t -c user.email=t@example.org "$@"; }
analytic() { # NAME VERSION
  local d=$repo/analytics/$1
  mkdir -p "$d/tests/basic/expected/output"
  printf 'schema_version: 1\nname: %s\nversion: %s\n' "$1" "$2" >"$d/analytic.yaml"
  echo 'FROM debian:sid-slim' >"$d/Dockerfile"
  echo 'description: basic' >"$d/tests/basic/case.yaml"
  echo "golden $1" >"$d/tests/basic/expected/output/0.parquet.gz"
}
runner() { python3 "$ROOT/tests/cli/gh_runner.py" "$@"; }

repo=$TMP/repo
mkdir -p "$repo"
git init -q -b main "$repo"
analytic alpha 1.0.0
g add -A && g commit -qm initial
g checkout -qb pr

nl=$'\n'
# a new file in alpha (alpha's version is not bumped: a policy finding names the file)
echo x >"$repo/analytics/alpha/x${nl}::error title=PWNED::INJECTED${nl}y"
echo x >"$repo/analytics/alpha/z ##[add-mask]alpha"
# a new analytic whose folder name breaks the line, and one that is Markdown and HTML
mkdir -p "$repo/analytics/evil${nl}::add-mask::alpha" "$repo/analytics/<img src=x>[l](h:x)"
echo 'name: evil' >"$repo/analytics/evil${nl}::add-mask::alpha/analytic.yaml"
echo 'name: img' >"$repo/analytics/<img src=x>[l](h:x)/analytic.yaml"
g add -A && g commit -qm "hostile names"
cd "$repo"

run "$KANALYTIC" ci --list
expect_rc 0 "--list"
expect_out_has '"x\n::error title=PWNED::INJECTED\ny"(A)'
expect_out_has '"evil\n::add-mask::alpha"'
GITHUB_ACTIONS=true run "$KANALYTIC" ci --list
printf '%s\n' "$out" >"$TMP/list.log"
runner "$TMP/list.log" || fail "ci --list: GitHub would obey a command"

for gh in false true; do
  GITHUB_ACTIONS=$gh GITHUB_STEP_SUMMARY= run "$KANALYTIC" ci --no-docker --markdown "$TMP/ci.md"
  expect_rc 1 "gate (GITHUB_ACTIONS=$gh)"
  expect_out_has '"x\n::error title=PWNED::INJECTED\ny"(A)'
  expect_out_has '"analytics/evil\n::add-mask::alpha/analytic.yaml":1:1: error: new analytic evil\n::add-mask::alpha has'
  printf '%s\n%s\n' "$out" "$err" >"$TMP/ci-$gh.log"
  # under GitHub, nothing at all is obeyed but the gate's annotations (##[...] included)
  [ $gh = false ] || runner "$TMP/ci-$gh.log" || fail "ci under GitHub: GitHub would obey a command"
  # no line of the log starts with :: (spaces trimmed, as the runner does) but the gate's
  # own: annotations on a file, and the stop-commands blocks
  bad=$(sed 's/^[[:space:]]*//' "$TMP/ci-$gh.log" |
    grep -E '^::' | grep -vE '^::(error|warning|notice) file=|^::stop-commands::[0-9a-f]{32}$|^::[0-9a-f]{32}::$' || true)
  [ -z "$bad" ] || fail "ci (GITHUB_ACTIONS=$gh): lines that GitHub reads as commands: $bad"
  # the Markdown summary: outside code spans and blocks, names are text (no HTML, link,
  # heading or line of their own)
  python3 - "$TMP/ci.md" <<'PY' || fail "markdown: $(cat "$TMP/ci.md")"
import re, sys
md = open(sys.argv[1]).read()
md = re.sub(r"(?ms)^(`{3,})\n.*?^\1$", "", md)  # fenced blocks
md = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", md)  # code spans
assert not re.search(r"(?<!\\)<img|(?<!\\)\]\(", md), md  # unescaped HTML or link
for line in md.splitlines():
    assert not line.startswith("::") and (not line.startswith("#") or line.startswith(("## kanalytic ci", "### "))), line
PY
done
# under GitHub: the gate's own annotations are obeyed, the file name %-escaped in file=
runner --print "$TMP/ci-true.log" >"$TMP/obeyed" || fail "runner"
grep -qF '::error file=analytics/alpha/analytic.yaml,line=3' "$TMP/obeyed" || fail "the gate's own annotation is not obeyed: $(cat "$TMP/obeyed")"

# the runner model itself: it does see an injected line (so the checks above can fail)
printf 'ok\n    ::error title=PWNED::x\n' >"$TMP/bad.log"
! runner "$TMP/bad.log" 2>/dev/null || fail "gh_runner.py misses an injected ::error"
printf 'a ##[add-mask]b\n' >"$TMP/bad.log"
! runner "$TMP/bad.log" 2>/dev/null || fail "gh_runner.py misses ##[add-mask]"
printf '::stop-commands::abc\n::add-mask::x\n::abc::\n' >"$TMP/ok.log"
runner "$TMP/ok.log" || fail "gh_runner.py obeys inside stop-commands"
done_testing
