"""Outside demo and test mode the settings must be the secure ones."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({k: getattr(settings, k) for k in ("
    "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS',"
    "'SECURE_SSL_REDIRECT', 'X_FRAME_OPTIONS', 'LANGUAGE_CODE', 'TIME_ZONE', 'USE_TZ')}"
    " | {'csp': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['default-src'],"
    " 'hasher': settings.PASSWORD_HASHERS[0]}))"
)


def probe(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("RENDA_", "DJANGO_"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="renda.settings")
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60, check=False)


class SecureDefaultsTest(SimpleTestCase):
    def test_production_defaults_are_secure(self):
        result = probe(DJANGO_SECRET_KEY="x" * 50)
        self.assertEqual(result.returncode, 0, result.stderr)
        values = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertFalse(values["DEBUG"])
        self.assertTrue(values["SESSION_COOKIE_SECURE"])
        self.assertTrue(values["CSRF_COOKIE_SECURE"])
        self.assertGreaterEqual(values["SECURE_HSTS_SECONDS"], 31536000)
        self.assertTrue(values["SECURE_SSL_REDIRECT"])
        self.assertEqual(values["X_FRAME_OPTIONS"], "DENY")
        self.assertEqual(values["csp"], ["'self'"])
        self.assertIn("Argon2", values["hasher"])
        self.assertEqual(values["LANGUAGE_CODE"], "zh-hans")
        self.assertEqual(values["TIME_ZONE"], "Asia/Shanghai")
        self.assertTrue(values["USE_TZ"])

    def test_a_missing_secret_key_stops_start_up(self):
        result = probe()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY", result.stderr)

    def test_demo_mode_relaxes_only_what_plain_http_needs(self):
        result = probe(RENDA_DEMO="1")
        self.assertEqual(result.returncode, 0, result.stderr)
        values = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertTrue(values["DEBUG"])
        self.assertFalse(values["SESSION_COOKIE_SECURE"])
        self.assertEqual(values["csp"], ["'self'"])


class HeadersTest(SimpleTestCase):
    def test_pages_carry_the_security_headers(self):
        from django.test import Client

        response = Client().get("/accounts/login/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
