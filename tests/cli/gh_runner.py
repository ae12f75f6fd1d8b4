#!/usr/bin/env python3
"""Reads a CI log as the GitHub Actions runner reads a step's output, and lists the workflow
commands it would obey: lines split at CR, LF or CRLF; "::name props::data" after leading
spaces; the older "##[name props]data" anywhere in a line; nothing between
"::stop-commands::TOKEN" and "::TOKEN::".

usage: gh_runner.py [--print] LOG
Exits 1 when a command other than a file annotation (::error file=...) would be obeyed, when
one mentions PWNED, or when a stop-commands block is left open (the gate's own annotations
after it would be ignored). --print lists the obeyed commands."""
import re
import sys

COMMANDS = {"add-mask", "error", "warning", "notice", "debug", "group", "endgroup", "echo",
            "stop-commands", "save-state", "set-output", "set-env", "add-path", "add-matcher",
            "remove-matcher"}


def parse(line):
    """(name, properties, data) of the command in line, or None."""
    t = line.lstrip()
    if t.startswith("::"):
        end = t.find("::", 2)
        if end > 2:
            info = t[2:end]
            name, _, props = info.partition(" ")
            return name, props, t[end + 2:]
    i = line.find("##[")
    if i >= 0:
        j = line.find("]", i)
        if j > i:
            name, _, props = line[i + 3:j].partition(" ")
            return name, props, line[j + 1:]
    return None


def obeyed(text):
    token = None
    out = []
    for line in re.split(r"\r\n|\r|\n", text):
        cmd = parse(line)
        if not cmd:
            continue
        name, props, data = cmd
        if token is not None:
            if name == token:
                token = None
            continue
        if name not in COMMANDS:
            continue
        if name == "stop-commands":
            token = data
            continue
        out.append(line)
    return out, token


def main(argv):
    show = "--print" in argv
    paths = [a for a in argv if a != "--print"]
    with open(paths[0], "rb") as f:
        text = f.read().decode("utf-8", "replace")
    cmds, open_token = obeyed(text)
    bad = [c for c in cmds
           if not re.match(r"\s*::(error|warning|notice) file=", c) or "PWNED" in c]
    if show:
        print("\n".join(cmds))
    for c in bad:
        print("obeyed: " + repr(c), file=sys.stderr)
    if open_token is not None:
        print("stop-commands block never closed: " + open_token, file=sys.stderr)
    return 1 if bad or open_token is not None else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
