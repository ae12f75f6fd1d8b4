# scripts/check-layers.sh (make check-layers): the real tree passes; a copy of it with one
# upward include, one sideways include, an unknown module, or a module that prints fails with
# file:line, while "stderr" in a string or a comment spanning lines is no finding.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CHECK=$ROOT/scripts/check-layers.sh

run bash "$CHECK" "$ROOT/tool"
expect_rc 0 "the tree as it is"; expect_out_has "none upward or sideways"

fresh() { rm -rf "$TMP/tool"; cp -r "$ROOT/tool" "$TMP/tool"; }

fresh; printf '#include "cmd/cmd.h"\n' >>"$TMP/tool/util/buf.c"
run bash "$CHECK" "$TMP/tool"
expect_rc 1 "util includes cmd"
expect_out_has "tool/util/buf.c:"; expect_out_has "util includes 'cmd/cmd.h': cmd is a layer above util"

fresh; printf '#include "docker/docker.h"\n' >>"$TMP/tool/git/changes.c"
run bash "$CHECK" "$TMP/tool"
expect_rc 1 "git includes docker"; expect_out_has "docker is the same layer as git"

fresh; mkdir "$TMP/tool/extra"; printf 'int x;\n' >"$TMP/tool/extra/x.c"
run bash "$CHECK" "$TMP/tool"
expect_rc 1 "a module without a layer"; expect_out_has "module 'extra' has no layer"

fresh; printf 'static void f(void) { fprintf(stderr, "x"); }\n' >>"$TMP/tool/parquet/reader.c"
run bash "$CHECK" "$TMP/tool"
expect_rc 1 "parquet prints"; expect_out_has "tool/parquet/reader.c:"; expect_out_has "(stderr)"

fresh; printf 'static void g(void) { exit(3); }\n' >>"$TMP/tool/table/table.c"
run bash "$CHECK" "$TMP/tool"
expect_rc 1 "table exits"; expect_out_has "(exit)"

fresh; printf '/* a comment that says\n   printf(stderr) and exit(1)\n */\nstatic const char *s = "see stderr; exit(2)";\n' >>"$TMP/tool/table/table.c"
run bash "$CHECK" "$TMP/tool"
expect_rc 0 "words in comments and strings"

done_testing
