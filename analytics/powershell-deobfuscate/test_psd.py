"""Unit tests of the PowerShell deobfuscator (python3 -m unittest inside the image)."""
import base64
import unittest

from psd import deobfuscate


def enc(script):
    return base64.b64encode(script.encode("utf-16-le")).decode()


class EncodedCommand(unittest.TestCase):
    def test_flags(self):
        for flag in ("-EncodedCommand", "-enc", "-e", "-EC", "/enc", "-encodedc"):
            self.assertEqual(deobfuscate("powershell %s %s" % (flag, enc("whoami"))),
                             ("powershell -Command whoami", ["encoded_command"]), flag)

    def test_not_encoded(self):
        for line in ("powershell -ep bypass -f x.ps1", "powershell -e ZZZZ",
                     "powershell -exec " + enc("whoami"),
                     "xcopy /e " + enc("whoami") + " d:\\", "cmd /c app.exe -e " + enc("x"),
                     "powershell -enc " + base64.b64encode(b"\xff\xfe\x00\xd8").decode()):
            self.assertEqual(deobfuscate(line), (line, []), line)

    def test_nested(self):
        inner = "powershell -enc " + enc("Write-Host hi")
        self.assertEqual(deobfuscate("powershell -enc " + enc(inner))[0],
                         "powershell -Command powershell -Command Write-Host hi")


class Strings(unittest.TestCase):
    def test_concatenation(self):
        self.assertEqual(deobfuscate("iex ('Down'+'load' + \"String\")"),
                         ("iex 'DownloadString'", ["concatenation"]))
        self.assertEqual(deobfuscate("'it''s'+'x'")[0], "'it''sx'")
        self.assertEqual(deobfuscate('"a$b"+"c"'), ('"a$b"+"c"', []))

    def test_char_codes(self):
        self.assertEqual(deobfuscate("([char]72+[char]0x69+[char](33))"),
                         ("'Hi!'", ["char_codes", "concatenation"]))
        self.assertEqual(deobfuscate("[char[]](72,105) -join ''"), ("'Hi'", ["char_codes"]))
        self.assertEqual(deobfuscate("-join [char[]](72,105)"), ("'Hi'", ["char_codes"]))
        self.assertEqual(deobfuscate("-join ((72,105)|%{[char]$_})"), ("'Hi'", ["char_codes"]))
        self.assertEqual(deobfuscate("[char]1114112"), ("[char]1114112", []))

    def test_format(self):
        self.assertEqual(deobfuscate("(\"{2}{0}{1}\" -f 'ke-Ex','pression','Invo')"),
                         ("'Invoke-Expression'", ["format_string"]))
        self.assertEqual(deobfuscate("'{{{0}}}'-f'x'"), ("'{x}'", ["format_string"]))
        for bad in ("'{3}{0}' -f 'a','b'", "'{0,5}' -f 'a'"):
            self.assertEqual(deobfuscate(bad), (bad, []), bad)

    def test_base64_string(self):
        self.assertEqual(deobfuscate(
            "[System.Text.Encoding]::Unicode.GetString([System.Convert]::FromBase64String('"
            + enc("hello") + "'))"), ("'hello'", ["base64_string"]))

    def test_backticks(self):
        self.assertEqual(deobfuscate("I`E`X (N`ew-Obj`ect Net.WebClient)"),
                         ("IEX (New-Object Net.WebClient)", ["backtick"]))
        self.assertEqual(deobfuscate("echo `n`t ``"), ("echo `n`t ``", []))
        self.assertEqual(deobfuscate("echo 'I`E`X'"), ("echo 'I`E`X'", []))

    def test_combined(self):
        line = "powershell -enc " + enc("I`EX ((\"{1}{0}\" -f 'ost hi','Write-H')+[char]33)")
        self.assertEqual(deobfuscate(line),
                         ("powershell -Command IEX 'Write-Host hi!'",
                          ["encoded_command", "char_codes", "format_string", "concatenation",
                           "backtick"]))

    def test_plain_and_null(self):
        self.assertEqual(deobfuscate("notepad.exe c:\\x.txt"), ("notepad.exe c:\\x.txt", []))
        self.assertEqual(deobfuscate(None), (None, []))
        self.assertEqual(deobfuscate(""), ("", []))


if __name__ == "__main__":
    unittest.main()
