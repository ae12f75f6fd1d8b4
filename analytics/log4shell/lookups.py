"""Log4j2 lookup deobfuscation: a small recursive-descent evaluator for ${...} expressions.

It mimics what Log4j 2's StrSubstitutor and Interpolator do with a logged string, without
performing any lookup that reaches outside the text: nested lookups are resolved first,
`name:-default` yields the default when the lookup has no value, `lower`/`upper`/`date` with
quoted literals are evaluated, and `${jndi:...}` lookups are collected as exploits in their
deobfuscated form `${jndi:<resolved name>}`. Lookups whose value would come from the host
(env, sys, java, ...) and have no default stay as `${<resolved name>}`.
"""
import base64
import binascii
import re
import sys

MAX_DEPTH = 1000         # nested ${ levels before the rest is taken literally
MAX_TEXT = 1 << 20       # characters examined per string

# Lookups whose value depends on the machine running Log4j: only their default is known.
_HOST_LOOKUPS = {"env", "sys", "java", "main", "ctx", "map", "sd", "marker", "bundle",
                 "jvmrunargs", "log4j", "spring", "k8s", "docker", "web", "event",
                 "hostname", "base64"}
_SPECIAL = re.compile(r"\$|\}")
_RAW_JNDI = re.compile(r"\$\{jndi:[^{}]*\}", re.I)
_JNDI_URL = re.compile(r"^(?P<proto>[A-Za-z][A-Za-z0-9+.\-]*)://"
                       r"(?P<host>\[[^\]]*\]|(?:\$\{[^{}]*\}|[^/:?#])*)"
                       r"(?::(?P<port>[0-9]{1,5}))?(?P<path>[/?#].*)?$", re.S)


def _date_literal(fmt):
    """The deterministic part of a SimpleDateFormat pattern: quoted text and non-letters.

    Pattern letters (the actual date) are dropped, so `${date:'j'}` gives `j`."""
    out, i, n = [], 0, len(fmt)
    while i < n:
        c = fmt[i]
        if c == "'":
            if i + 1 < n and fmt[i + 1] == "'":
                out.append("'")
                i += 2
                continue
            j = fmt.find("'", i + 1)
            while j != -1 and j + 1 < n and fmt[j + 1] == "'":
                j = fmt.find("'", j + 2)
            end = n if j == -1 else j
            out.append(fmt[i + 1:end].replace("''", "'"))
            i = end + 1
        else:
            if not c.isalpha():
                out.append(c)
            i += 1
    return "".join(out)


def _evaluate(name):
    """Value of one lookup whose body (nested lookups already resolved) is `name`.

    Returns (value, exploit or None)."""
    k = name.find(":-")
    var, default = (name[:k], name[k + 2:]) if k >= 0 else (name, None)
    prefix, sep, key = var.partition(":")
    value = None
    if sep:
        p = prefix.lower()
        if p == "jndi":
            exploit = "${jndi:" + key + "}"
            return exploit, exploit
        if p == "lower":
            value = key.lower()
        elif p == "upper":
            value = key.upper()
        elif p == "date":
            value = _date_literal(key)
    if value is None:
        value = default if default is not None else "${" + name + "}"
    return value, None


class _TooDeep(Exception):
    pass


class _Parser:
    def __init__(self, text):
        self.s = text
        self.memo = {}

    def seq(self, i, depth, inside):
        """Text from i up to the '}' closing the current lookup (inside) or the end.

        Returns (value, next index, exploits) or None if a lookup is left unclosed."""
        s, n = self.s, len(self.s)
        out, exploits = [], []
        while i < n:
            m = _SPECIAL.search(s, i)
            if m is None:
                out.append(s[i:])
                i = n
                break
            j = m.start()
            out.append(s[i:j])
            if s[j] == "}":
                if inside:
                    return "".join(out), j + 1, exploits
                out.append("}")
                i = j + 1
            elif s.startswith("$${", j):        # Log4j's escape: literal ${
                out.append("${")
                i = j + 3
            elif s.startswith("${", j):
                r = self.lookup(j, depth + 1)
                if r is None and inside:
                    return None     # an unclosed inner lookup leaves this one unclosed too
                if r is None:
                    out.append("$")
                    i = j + 1
                else:
                    out.append(r[0])
                    exploits.extend(r[2])
                    i = r[1]
            else:
                out.append("$")
                i = j + 1
        if inside:
            return None
        return "".join(out), i, exploits

    def lookup(self, i, depth):
        if i in self.memo:
            return self.memo[i]
        if depth > MAX_DEPTH:
            raise _TooDeep()
        r = self.seq(i + 2, depth, True)
        if r is not None:
            value, exploit = _evaluate(r[0])
            r = (value, r[1], r[2] + ([exploit] if exploit else []))
        self.memo[i] = r
        return r


def deobfuscate(text):
    """(text with every lookup resolved, [deobfuscated ${jndi:...} lookups in order])."""
    if text is None or "${" not in text:
        return text, []
    text = text[:MAX_TEXT]
    if sys.getrecursionlimit() < 3 * MAX_DEPTH:
        sys.setrecursionlimit(3 * MAX_DEPTH)
    try:
        value, _, exploits = _Parser(text).seq(0, 0, False)
    except _TooDeep:
        # Nesting deeper than any real payload: keep the text, report the literal lookups.
        return text, [m.group(0) for m in _RAW_JNDI.finditer(text)]
    return value, exploits


def parse_jndi(exploit):
    """Split `${jndi:proto://host:port/path}` into (protocol, host, port, path); None if absent."""
    body = exploit[len("${jndi:"):-1] if exploit.startswith("${jndi:") else exploit
    m = _JNDI_URL.match(body)
    if m is None:
        proto = body.split(":", 1)[0] if ":" in body else None
        if proto is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*", proto):
            proto = None
        return (proto.lower() if proto else None), None, None, None
    port = int(m.group("port")) if m.group("port") else None
    if port is not None and port > 65535:
        port = None
    host = m.group("host").lower() or None
    return m.group("proto").lower(), host, port, m.group("path") or None


_B64_COMMAND = re.compile(r"/command/base64/([A-Za-z0-9+/_%-]+=*(?:%3d)*)", re.I)


def jndi_command(path):
    """The shell command a JNDIExploit-style path carries (`/Basic/Command/Base64/<b64>`),
    or None."""
    m = _B64_COMMAND.search(path or "")
    if m is None:
        return None
    b64 = m.group(1).replace("%2B", "+").replace("%2b", "+").replace("%2F", "/") \
        .replace("%2f", "/").replace("%3D", "=").replace("%3d", "=")
    b64 = b64.replace("-", "+").replace("_", "/")
    b64 += "=" * (-len(b64) % 4)
    try:
        text = base64.b64decode(b64, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return text if text and all(c.isprintable() or c in "\t\r\n" for c in text) else None
