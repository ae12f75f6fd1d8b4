# Help everywhere: every command answers --help with usage and examples; the man page has
# every command; bash completion completes commands, options and analytic names;
# make install puts binary, schemas, man page and completion in place.
source "$(dirname "$0")/../lib.sh"

cmds=$("$KANALYTIC" --help | awk '/^commands:/{on=1;next} on && /^  [a-z]/{print $1}' | grep -v '^help$')
[ -n "$cmds" ] || fail "no commands listed by --help"
for c in $cmds; do
  run "$KANALYTIC" help "$c"
  expect_rc 0 "help $c"
  grep -qi "usage" <<<"$out" || fail "help $c has no usage line"
  grep -qi "example" <<<"$out" || fail "help $c has no examples"
  run "$KANALYTIC" "$c" --help
  expect_rc 0 "$c --help"
done

# Every long option a command accepts has a line of its own in its help, and every option
# line of the help (an indented "-x, --name" or "--name" starting the line) is an option the
# command accepts: the accepted options come from the command's option table (hidden
# --list-options), the help text from `kanalytic help CMD`; a mention in the synopsis or in
# prose is not help, and no option line may be written by hand beside the table.
# Commands whose options are not in a table yet (issue 16) answer --list-options with 2.
not_converted=" "
for c in $cmds; do
  run "$KANALYTIC" "$c" --list-options
  if [ "$rc" != 0 ]; then
    [[ $not_converted == *" $c "* ]] || fail "$c --list-options: rc $rc: $err"
    continue
  fi
  [[ $not_converted != *" $c "* ]] || fail "$c has an option table: take it off not_converted"
  [ -n "$out" ] || fail "$c --list-options lists nothing"
  opts=$out
  run "$KANALYTIC" help "$c"
  documented=$(grep -oE -- '^ +(-[a-zA-Z0-9], )?--[a-z0-9-]+' <<<"$out" | grep -oE -- '--[a-z0-9-]+$')
  for o in $opts; do
    grep -qx -- "$o" <<<"$documented" || fail "help $c has no line for $o"
  done
  for o in $documented; do
    grep -qx -- "$o" <<<"$opts" || fail "help $c documents $o, which $c does not accept"
  done
done

"$ROOT/scripts/gen-man.sh" "$KANALYTIC" >"$TMP/kanalytic.1" || fail "gen-man failed"
for c in $cmds; do grep -q "^\.SS $c\$" "$TMP/kanalytic.1" || fail "man page lacks $c"; done
if command -v man >/dev/null; then
  man -l "$TMP/kanalytic.1" >/dev/null 2>"$TMP/man.err" || fail "man cannot render the page"
  [ -s "$TMP/man.err" ] && grep -q warning "$TMP/man.err" && fail "man warnings: $(cat "$TMP/man.err")"
fi

# completion, driven the way bash drives it
mkdir -p "$TMP/bin" "$TMP/repo/analytics/alpha-one" "$TMP/repo/analytics/beta"
ln -s "$KANALYTIC" "$TMP/bin/kanalytic"
complete_words() {
  (cd "$TMP/repo" && PATH="$TMP/bin:$PATH" bash -c '
    source "$0"; COMP_WORDS=("${@}"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    _kanalytic; printf "%s\n" "${COMPREPLY[@]}"' "$ROOT/scripts/kanalytic.bash-completion" "$@")
}
[ "$(complete_words kanalytic fixt)" = fixture ] || fail "command completion: $(complete_words kanalytic fixt)"
complete_words kanalytic test al | grep -qx alpha-one || fail "analytic name completion"
complete_words kanalytic fixture --ty | grep -qx -- --type || fail "option completion"

make -s -C "$ROOT" install PREFIX="$TMP/prefix" >/dev/null 2>"$TMP/install.err" || fail "make install: $(cat "$TMP/install.err")"
expect_file "$TMP/prefix/bin/kanalytic"
expect_file "$TMP/prefix/share/man/man1/kanalytic.1"
expect_file "$TMP/prefix/share/bash-completion/completions/kanalytic"
expect_file "$TMP/prefix/share/kanalytic/template/python/Dockerfile"
expect_file "$TMP/prefix/share/kanalytic/schemas/analytic.schema.json"
done_testing
