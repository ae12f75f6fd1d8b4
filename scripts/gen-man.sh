#!/usr/bin/env bash
# Generates the kanalytic(1) man page from the binary's own help texts, so the page never
# drifts from the options: kanalytic --help for the command list, kanalytic help CMD for each.
set -euo pipefail
bin=${1:?usage: gen-man.sh path/to/kanalytic}
version=$("$bin" --version | awk '{print $2}')
roff() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\\&'/"; }
cat <<EOF2
.TH KANALYTIC 1 "" "kanalytic $version" "User Commands"
.SH NAME
kanalytic \- build, validate and golden-test Kestrel threat-hunting analytics
.SH SYNOPSIS
.B kanalytic
[\fB\-q\fR|\fB\-v\fR] [\fB\-C\fR \fIDIR\fR] \fICOMMAND\fR [\fIARGS\fR]
.SH DESCRIPTION
kanalytic makes a repository of Kestrel analytics (Docker images named
kestrel-analytics-NAME, run by APPLY docker://NAME ON ...) trustworthy: manifests checked
against schemas, images built through the Docker Engine API, golden-file Parquet tests run
in a sandbox exactly as Kestrel runs the container, and a pull-request gate.
.SH GLOBAL OPTIONS
.TP
.B \-q
quiet: only errors and the final verdict
.TP
.B \-v
verbose (repeat for more)
.TP
.BI \-C " DIR"
run as if started in DIR
.TP
.B NO_COLOR
(environment) never colour the output; colour is only used on a terminal anyway
.SH EXIT STATUS
.TP
.B 0
success: valid, built, every test passed, mergeable
.TP
.B 1
findings: validation errors, failed tests, differing files, a pull request that may not merge
.TP
.B 2
could not run: usage error, unreadable input, no Docker engine, missing image
.SH COMMANDS
EOF2
"$bin" --help | awk '/^commands:/{on=1;next} on && /^  [a-z]/{print $1}' | while read -r cmd; do
  [ "$cmd" = help ] && continue
  echo ".SS $cmd"
  echo ".nf"
  "$bin" help "$cmd" 2>&1 | roff
  echo ".fi"
done
cat <<'EOF2'
.SH FILES
.TP
.I analytics/NAME/analytic.yaml
the manifest of an analytic
.TP
.I analytics/NAME/tests/CASE/case.yaml
a golden test case, with input/N.parquet.gz and expected/
.TP
.I schemas/
analytic.schema.json, test-case.schema.json, entity-types.yaml
.SH SEE ALSO
docs/contributing-an-analytic.md, docs/maintaining.md in the kanalytic repository.
EOF2
