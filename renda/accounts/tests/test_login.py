"""Signing in: passwords, throttling and the TOTP second factor."""

import datetime

import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts import services
from renda.accounts.models import User
from renda.directory.testing import PASSWORD, build_world


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


class LoginTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.office = cls.world.users["office_staff"]

    def login(self, username: str, password: str, **extra):
        return self.client.post(reverse("accounts:login"),
                                {"username": username, "password": password, **extra})

    def test_it_signs_in_and_shows_the_roles(self):
        response = self.login("office", PASSWORD)
        self.assertRedirects(response, reverse("accounts:home"))
        page = self.client.get(reverse("accounts:home"))
        self.assertContains(page, "人大机关工作人员")
        self.assertContains(page, "平房区")

    def test_a_wrong_password_gives_a_clear_message(self):
        response = self.login("office", "wrong-password")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "用户名或密码不正确")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_repeated_failures_lock_the_account(self):
        for _ in range(5):
            self.login("office", "wrong-password")
        response = self.login("office", PASSWORD)
        self.assertContains(response, "账号已暂时锁定", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_refuses_an_open_redirect(self):
        response = self.login("office", PASSWORD, next="https://evil.example/")
        self.assertRedirects(response, reverse("accounts:home"))

    def test_logout_needs_post(self):
        self.client.force_login(self.office)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        self.client.post(reverse("accounts:logout"))
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
    def test_new_passwords_are_hashed_with_argon2(self):
        user = User.objects.create_user("fresh", password="a-long-demo-password")
        self.assertEqual(identify_hasher(user.password).algorithm, "argon2")


class TwoFactorTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.office = cls.world.users["office_staff"]
        cls.office.is_staff = True
        cls.office.save()

    def enrol(self) -> TOTPDevice:
        self.client.force_login(self.office)
        page = self.client.get(reverse("accounts:two_factor"))
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.office, confirmed=False)
        response = self.client.post(reverse("accounts:two_factor"),
                                    {"token": current_token(device)})
        self.assertRedirects(response, reverse("accounts:home"))
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.client.post(reverse("accounts:logout"))
        return device

    def test_a_wrong_token_does_not_enable_it(self):
        self.client.force_login(self.office)
        self.client.get(reverse("accounts:two_factor"))
        response = self.client.post(reverse("accounts:two_factor"), {"token": "000000"})
        self.assertContains(response, "验证码不正确")
        self.assertFalse(services.has_second_factor(self.office))

    def test_enrolled_staff_must_give_a_token(self):
        device = self.enrol()
        response = self.client.post(reverse("accounts:login"),
                                    {"username": "office", "password": PASSWORD})
        self.assertRedirects(response, reverse("accounts:verify"))
        self.assertNotIn("_auth_user_id", self.client.session)
        bad = self.client.post(reverse("accounts:verify"), {"token": "123456"})
        self.assertContains(bad, "验证码不正确")
        device.refresh_from_db()
        # The device throttles after a failure; clear it so the right token is judged.
        device.throttle_reset()
        # The enrolment already used this 30-second step's token; replay is refused.
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=60)):
            good = self.client.post(reverse("accounts:verify"), {"token": current_token(device)})
        self.assertRedirects(good, reverse("accounts:home"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.office.pk)

    def test_the_back_office_needs_the_second_factor_when_enrolled(self):
        self.enrol()
        # A session that skipped the token (force_login) cannot open the admin.
        self.client.force_login(self.office)
        response = self.client.get(reverse("admin:index"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])
