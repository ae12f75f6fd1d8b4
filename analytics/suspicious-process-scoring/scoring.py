"""Rule-based suspicion scores for process entities.

A rule (rules.json) has an id, a description, an integer weight and conditions that must all
hold: `process` (basenames of name / binary_ref.name), `parent` (basenames of parent_ref.name /
parent_ref.binary_ref.name) and `command_line` (regular expression, case-insensitive). A
process scores the sum of the weights of the rules it matches."""
import json
import re

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CONDITIONS = ("process", "parent", "command_line")
RULE_KEYS = {"id", "description", "weight"} | set(CONDITIONS)


class RuleError(Exception):
    pass


class Rule:
    def __init__(self, raw, where):
        if not isinstance(raw, dict):
            raise RuleError(f"{where}: a rule must be an object")
        unknown = sorted(set(raw) - RULE_KEYS)
        if unknown:
            raise RuleError(f"{where}: unknown key '{unknown[0]}'")
        self.id = raw.get("id")
        if not isinstance(self.id, str) or not ID_RE.match(self.id):
            raise RuleError(f"{where}: id must match {ID_RE.pattern}")
        where = f"{where} ({self.id})"
        self.description = raw.get("description")
        if not isinstance(self.description, str) or not self.description.strip():
            raise RuleError(f"{where}: description must be a non-empty string")
        self.weight = raw.get("weight")
        if type(self.weight) is not int or self.weight <= 0:
            raise RuleError(f"{where}: weight must be a positive integer")
        if not any(k in raw for k in CONDITIONS):
            raise RuleError(f"{where}: needs at least one of {', '.join(CONDITIONS)}")
        self.process = self._names(raw, "process", where)
        self.parent = self._names(raw, "parent", where)
        self.command_line = None
        if "command_line" in raw:
            pattern = raw["command_line"]
            if not isinstance(pattern, str) or not pattern:
                raise RuleError(f"{where}: command_line must be a non-empty regular expression")
            try:
                self.command_line = re.compile(pattern, re.I | re.S)
            except re.error as e:
                raise RuleError(f"{where}: command_line: {e}") from None

    @staticmethod
    def _names(raw, key, where):
        if key not in raw:
            return None
        v = raw[key]
        if (not isinstance(v, list) or not v
                or not all(isinstance(s, str) and s for s in v)):
            raise RuleError(f"{where}: {key} must be a non-empty list of names")
        return frozenset(s.lower() for s in v)

    def matches(self, proc):
        if self.process is not None and not (self.process & proc["process"]):
            return False
        if self.parent is not None and not (self.parent & proc["parent"]):
            return False
        if self.command_line is not None:
            if proc["command_line"] is None or not self.command_line.search(proc["command_line"]):
                return False
        return True


def load_rules(path):
    """The rules of a rules.json file; RuleError naming the file and rule on any problem."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise RuleError(f"{path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise RuleError(f"{path}:{e.lineno}:{e.colno}: {e.msg}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list) or not doc["rules"]:
        raise RuleError(f"{path}: expected an object with a non-empty 'rules' list")
    rules, seen = [], set()
    for i, raw in enumerate(doc["rules"]):
        rule = Rule(raw, f"{path}: rule {i + 1}")
        if rule.id in seen:
            raise RuleError(f"{path}: rule {i + 1}: duplicate id '{rule.id}'")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def basename(value):
    if not isinstance(value, str) or not value:
        return None
    return re.split(r"[\\/]", value)[-1].lower()


def process_view(name=None, binary=None, parent=None, parent_binary=None, command_line=None):
    """The attributes rules look at, normalised; every argument may be None."""
    return {"process": {b for b in (basename(name), basename(binary)) if b},
            "parent": {b for b in (basename(parent), basename(parent_binary)) if b},
            "command_line": command_line if isinstance(command_line, str) else None}


def score(rules, proc):
    """(score, [ids of matched rules in file order])."""
    hits = [r for r in rules if r.matches(proc)]
    return sum(r.weight for r in hits), [r.id for r in hits]
