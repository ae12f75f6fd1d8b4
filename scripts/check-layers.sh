#!/usr/bin/env bash
# The shape of tool/, checked (make check-layers, run by make unit):
#  1. every module under tool/ has a layer below, and a module includes only modules of a
#     lower layer: no arrow runs back up, two modules of one layer never include each other,
#     and so the include graph has no circle;
#  2. below tool/cmd/ nothing prints or exits: printf/puts/perror/exit and the stdout/stderr
#     streams appear only in tool/cmd/, tool/main.c and util/xalloc.c (which reports running out
#     of memory, the one failure that ends the process). Renderers write to a FILE * they are
#     given. abort() stays allowed as an assertion of a bug in our own code.
# Prints each violation as file:line: message; exit 1 when there is one.
# usage: scripts/check-layers.sh [TOOL_DIR]   (default: tool, from the repository root)
set -euo pipefail
tool=${1:-tool}

# Bottom to top; a new module gets a line here (docs/conventions.md, "Where a new thing goes").
layers=(
    "util"
    "table"
    "parquet"
    "fixture"
    "manifest"
    "git docker"
    "result builder share scaffold"
    "runner report"
    "gate"
    "cmd"
    "main"
)
declare -A rank=()
for i in "${!layers[@]}"; do
    for m in ${layers[$i]}; do rank[$m]=$i; done
done

module_of() { # tool/parquet/reader.c -> parquet; tool/main.c -> main
    local rel=${1#"$tool"/}
    case $rel in
    */*) echo "${rel%%/*}" ;;
    *) echo "${rel%.c}" ;;
    esac
}

# The C text with comments, string and character literals blanked, line for line.
strip_c() {
    awk '
    BEGIN { inc = 0 }
    {
        out = ""; n = length($0); i = 1
        while (i <= n) {
            c = substr($0, i, 1); d = substr($0, i, 2)
            if (inc) { if (d == "*/") { inc = 0; i += 2 } else i++; continue }
            if (d == "/*") { inc = 1; i += 2; continue }
            if (d == "//") break
            if (c == "\"" || c == "\047") {
                q = c; i++
                while (i <= n && substr($0, i, 1) != q) i += (substr($0, i, 1) == "\\") ? 2 : 1
                i++; out = out q q; continue
            }
            out = out c; i++
        }
        print out
    }' "$1"
}

bad=0
declare -A pairs=() seen=()
while IFS= read -r -d '' f; do
    m=$(module_of "$f")
    if [ -z "${rank[$m]+x}" ]; then
        echo "$f:1: module '$m' has no layer: add it to 'layers' in scripts/check-layers.sh"
        bad=1
        continue
    fi
    seen[$m]=1
    # #include "MODULE/header.h"
    while IFS=: read -r line target; do
        t=${target%%/*}
        [ "$t" = "$m" ] && continue
        pairs["$m -> $t"]=1
        if [ -z "${rank[$t]+x}" ]; then
            echo "$f:$line: includes '$target' of module '$t', which has no layer"
            bad=1
        elif [ "${rank[$t]}" -ge "${rank[$m]}" ]; then
            if [ "${rank[$t]}" -eq "${rank[$m]}" ]; then how="the same layer as"; else how="a layer above"; fi
            echo "$f:$line: $m includes '$target': $t is $how $m (layers: scripts/check-layers.sh)"
            bad=1
        fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]+/' "$f" |
        sed 's|^\([0-9]*\):[^"]*"\([^"]*\)".*|\1:\2|' || true)

    # nothing prints or exits below cmd/
    case $m in cmd | main) continue ;; esac
    [ "${f#"$tool"/}" = util/xalloc.c ] && continue
    # comments and string literals are blanked first, so "stderr" in a message is no call
    while IFS=: read -r line text; do
        echo "$f:$line: a module prints or exits (${text}): return an error (util/error.h) or write to a FILE * the caller gives"
        bad=1
    done < <(strip_c "$f" |
        grep -noE '(^|[^a-z_.>])((printf|puts|perror|exit|_Exit|_exit)[[:space:]]*\(|std(out|err)([^a-z_]|$))' |
        sed -E 's/^([0-9]+):[^a-z_]*([a-z_]+).*/\1:\2/' || true)
done < <(find "$tool" -name '*.[ch]' -print0 | sort -z)

if [ "$bad" -ne 0 ]; then
    echo "check-layers: FAILED" >&2
    exit 1
fi
echo "check-layers: ${#pairs[@]} arrows between ${#seen[@]} modules, none upward or sideways; nothing below cmd/ prints or exits"
