"""PowerShell command-line deobfuscation by rewriting: each pass replaces one obfuscated
construct with the plain string it evaluates to, until nothing changes.

Techniques (ids as reported in x_psd_techniques, in this order):
  encoded_command  -EncodedCommand/-enc/-e <base64 of UTF-16LE> -> -Command <script>
  base64_string    [Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('..'))
  char_codes       [char]72, [char]0x48, [char[]](72,105) -join '', -join [char[]](..)
  format_string    "{1}{0}" -f 'a','b'  ->  'ba'
  concatenation    'a' + "b"  ->  'ab'
  backtick         I`E`X  ->  IEX (escapes that only hide letters; Windows PowerShell 5.1
                   escapes `0 `a `b `f `n `r `t `v stay)
Nothing is executed; constructs that would need evaluation ($variables) are left alone.
"""
import base64
import binascii
import re

TECHNIQUES = ["encoded_command", "base64_string", "char_codes", "format_string",
              "concatenation", "backtick"]
MAX_PASSES = 50
MAX_TEXT = 1 << 20

# String literals: single quotes ('' inside), double quotes without $ or backtick.
SQ = r"'(?:[^']|'')*'"
DQ = r'"[^"`$]*"'
STR = "(?:%s|%s)" % (SQ, DQ)
_STR = re.compile(STR)

_ENC_ARG = re.compile(r"(?i)(?<![\w-])[-/](\w+)(\s+)(['\"]?)([A-Za-z0-9+/]{4,}={0,2})\3(?![\w+/=])")
_POWERSHELL = re.compile(r"(?i)\b(powershell|pwsh)")
_B64_STRING = re.compile(
    r"(?i)\[(?:system\.)?text\.encoding\]::(unicode|utf8|ascii|default)\.getstring\(\s*"
    r"\[(?:system\.)?convert\]::frombase64string\(\s*(" + STR + r")\s*\)\s*\)")
_NUM = r"(?:0x[0-9a-fA-F]+|\d+)"
_CHAR = re.compile(r"(?i)\[char\]\s*(?:\(\s*(" + _NUM + r")\s*\)|(" + _NUM + r"))")
_CHAR_ARRAY = r"\[char\[\]\]\s*\(\s*(" + _NUM + r"(?:\s*,\s*" + _NUM + r")*)\s*\)"
_JOIN_CHARS_AFTER = re.compile(r"(?i)" + _CHAR_ARRAY + r"\s*-join\s*(?:''|\"\")")
_JOIN_CHARS_BEFORE = re.compile(r"(?i)-join\s*" + _CHAR_ARRAY)
_JOIN_PIPE = re.compile(r"(?i)-join\s*\(\s*\(\s*(" + _NUM + r"(?:\s*,\s*" + _NUM +
                        r")*)\s*\)\s*\|\s*(?:%|foreach-object|foreach)\s*\{\s*\[char\]\s*\$_\s*\}\s*\)")
_FORMAT_ARGS = STR + r"(?:\s*,\s*" + STR + r")*"
_FORMAT = re.compile(r"(?i)(\()?\s*(" + STR + r")\s*-f\s*(" + _FORMAT_ARGS + r")\s*(\))?")
_CONCAT = re.compile("(" + STR + r")\s*\+\s*(" + STR + ")")
_PAREN_STR = re.compile(r"(?<![\w\]\)'\".])\(\s*(" + STR + r")\s*\)")
_BACKTICK = re.compile(r"`([^0abfnrtv`'\"\s$])")


def unquote(lit):
    if lit[0] == "'":
        return lit[1:-1].replace("''", "'")
    return lit[1:-1]


def quote(s):
    return "'" + s.replace("'", "''") + "'"


def _decode_b64(text, encoding):
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _char(n):
    v = int(n, 16) if n.lower().startswith("0x") else int(n)
    return chr(v) if 0 <= v <= 0x10FFFF and not 0xD800 <= v <= 0xDFFF else None


def _chars(nums):
    out = [_char(n.strip()) for n in nums.split(",")]
    return None if None in out else "".join(out)


def _printable(s):
    return all(c.isprintable() or c in "\r\n\t" for c in s)


def _encoded_command(m):
    flag = m.group(1).lower()
    if flag != "ec" and not "encodedcommand".startswith(flag):
        return None
    if not _POWERSHELL.search(m.string, 0, m.start()):
        return None                       # xcopy /e src dst: not PowerShell's flag
    script = _decode_b64(m.group(4), "utf-16-le")
    if script is None or not script or not _printable(script):
        return None
    return "-Command" + m.group(2) + script


def _base64_string(m):
    enc = {"unicode": "utf-16-le", "utf8": "utf-8", "ascii": "ascii",
           "default": "utf-8"}[m.group(1).lower()]
    s = _decode_b64(unquote(m.group(2)), enc)
    return None if s is None else quote(s)


def _char_code(m):
    c = _char(m.group(1) or m.group(2))
    return None if c is None else quote(c)


def _char_array(m):
    s = _chars(m.group(1))
    return None if s is None else quote(s)


def _format(m):
    if bool(m.group(1)) != bool(m.group(4)):
        return None                       # only one parenthesis: not ours to take
    fmt = unquote(m.group(2))
    args = [unquote(a) for a in _STR.findall(m.group(3))]
    out, i = [], 0
    while i < len(fmt):
        if fmt.startswith("{{", i) or fmt.startswith("}}", i):
            out.append(fmt[i])
            i += 2
            continue
        if fmt[i] == "{":
            j = fmt.find("}", i)
            if j < 0 or not fmt[i + 1:j].isdigit() or int(fmt[i + 1:j]) >= len(args):
                return None               # alignment/format specs or bad index: leave it
            out.append(args[int(fmt[i + 1:j])])
            i = j + 1
            continue
        if fmt[i] == "}":
            return None
        out.append(fmt[i])
        i += 1
    return quote("".join(out))


def _concat(m):
    return quote(unquote(m.group(1)) + unquote(m.group(2)))


def _backticks(text):
    """Drops backticks before ordinary characters outside single-quoted strings."""
    out, changed, i, n = [], False, 0, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            m = re.compile(SQ).match(text, i)
            end = m.end() if m else n
            out.append(text[i:end])
            i = end
            continue
        if c == "`" and i + 1 < n:
            m = _BACKTICK.match(text, i)
            if m:
                out.append(m.group(1))
                changed = True
            else:
                out.append(text[i:i + 2])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out), changed


def _sub(pattern, fn, text):
    """pattern.sub with fn; a match fn declines (None) is kept. Returns (text, changed)."""
    changed = False

    def repl(m):
        nonlocal changed
        r = fn(m)
        if r is None:
            return m.group(0)
        changed = True
        return r
    return pattern.sub(repl, text), changed


def _pass(text, used):
    rules = [
        ("encoded_command", lambda t: _sub(_ENC_ARG, _encoded_command, t)),
        ("base64_string", lambda t: _sub(_B64_STRING, _base64_string, t)),
        ("char_codes", lambda t: _sub(_JOIN_PIPE, _char_array, t)),
        ("char_codes", lambda t: _sub(_JOIN_CHARS_AFTER, _char_array, t)),
        ("char_codes", lambda t: _sub(_JOIN_CHARS_BEFORE, _char_array, t)),
        ("char_codes", lambda t: _sub(_CHAR, _char_code, t)),
        ("format_string", lambda t: _sub(_FORMAT, _format, t)),
        ("concatenation", lambda t: _sub(_CONCAT, _concat, t)),
        ("backtick", _backticks),
    ]
    for tech, rule in rules:
        new, changed = rule(text)
        if changed:
            used.add(tech)
            return new
    # Parentheses around a lone string left by the rewrites: ('ab') -> 'ab'
    new, changed = _sub(_PAREN_STR, lambda m: m.group(1), text)
    return new if changed else None


def deobfuscate(command_line):
    """(deobfuscated command line, [technique ids in TECHNIQUES order])."""
    if command_line is None:
        return None, []
    text, used = command_line[:MAX_TEXT], set()
    for _ in range(MAX_PASSES):
        new = _pass(text, used)
        if new is None or new == text:
            break
        text = new
    return text, [t for t in TECHNIQUES if t in used]
