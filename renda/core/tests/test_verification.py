import contextlib
import datetime
import io
import re

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings

from renda.core.models import Notification, VerificationCode
from renda.core.verification import (
    VerificationThrottled,
    phone_normalise,
    verification_check,
    verification_start,
)

PHONE = "13912345678"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def start(phone: str = PHONE, purpose: str = "opinion") -> tuple[VerificationCode, str]:
    """Ask for a code; return the row and the code as the console SMS printed it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        row = verification_start(phone=phone, purpose=purpose)
    return row, re.search(r"验证码是 (\d{6})", out.getvalue()).group(1)


class StartTest(TestCase):
    def test_it_sends_a_six_digit_code_by_sms(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            verification_start(phone=PHONE, purpose="opinion")
        self.assertRegex(out.getvalue(),
                         r"您的验证码是 \d{6}，10 分钟内有效。如非本人操作请忽略。")
        self.assertIn(PHONE, out.getvalue())

    def test_neither_the_code_nor_the_number_is_stored_in_clear(self):
        row, code = start()
        stored = [str(value) for value in VerificationCode.objects.values_list().get(pk=row.pk)]
        stored += [str(value) for value in Notification.objects.values_list().get()]
        for value in stored:
            self.assertNotIn(code, value)
            self.assertNotIn(PHONE, value)
            self.assertNotIn(PHONE[3:], value)
        notification = Notification.objects.get()
        self.assertEqual(notification.recipient, "139****5678")
        self.assertIn("******", notification.body)
        self.assertEqual(notification.target, row)

    def test_it_accepts_the_usual_ways_of_writing_a_number(self):
        for typed in ["139 1234 5678", "+86 139-1234-5678", "008613912345678"]:
            self.assertEqual(phone_normalise(typed), PHONE)

    def test_it_refuses_what_is_not_a_mainland_mobile(self):
        for typed in ["12912345678", "1391234567", "0451-86801234", "", "139123456789"]:
            with self.subTest(typed=typed), self.assertRaisesMessage(ValidationError,
                                                                     "11 位手机号码"):
                verification_start(phone=typed, purpose="opinion")
        self.assertFalse(VerificationCode.objects.exists())


class SendLimitTest(TestCase):
    def test_one_code_per_minute(self):
        with time_machine.travel(START, tick=False) as clock:
            start()
            clock.shift(datetime.timedelta(seconds=45))
            with self.assertRaisesMessage(VerificationThrottled, "请 15 秒后再试") as caught:
                start()
            self.assertEqual(caught.exception.retry_after, 15)
            clock.shift(datetime.timedelta(seconds=15))
            start()
        self.assertEqual(VerificationCode.objects.count(), 2)

    def test_five_codes_per_hour(self):
        with time_machine.travel(START, tick=False) as clock:
            for _ in range(5):
                start()
                clock.shift(datetime.timedelta(minutes=2))
            with self.assertRaisesMessage(VerificationThrottled, "请 50 分钟后再试"):
                start()
            clock.move_to(START + datetime.timedelta(hours=1, seconds=1))
            start()

    def test_the_limits_count_per_number(self):
        with time_machine.travel(START, tick=False):
            start()
            start(phone="13800138000")


class CheckTest(TestCase):
    def test_the_right_code_passes_once(self):
        _, code = start()
        self.assertTrue(verification_check(phone=PHONE, purpose="opinion", code=code))
        self.assertFalse(verification_check(phone=PHONE, purpose="opinion", code=code))

    def test_a_code_is_bound_to_its_number_and_purpose(self):
        _, code = start()
        self.assertFalse(verification_check(phone="13800138000", purpose="opinion", code=code))
        self.assertFalse(verification_check(phone=PHONE, purpose="login", code=code))
        self.assertTrue(verification_check(phone="+86 139 1234 5678", purpose="opinion",
                                           code=code))

    def test_a_code_is_burnt_after_five_wrong_guesses(self):
        row, code = start()
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        for _ in range(5):
            self.assertFalse(verification_check(phone=PHONE, purpose="opinion", code=wrong))
        self.assertFalse(verification_check(phone=PHONE, purpose="opinion", code=code))
        row.refresh_from_db()
        self.assertEqual(row.attempts, 5)
        self.assertIsNone(row.used_at)

    def test_the_fifth_guess_may_still_be_right(self):
        _, code = start()
        for _ in range(4):
            verification_check(phone=PHONE, purpose="opinion", code="000000x")
        self.assertTrue(verification_check(phone=PHONE, purpose="opinion", code=code))

    def test_an_expired_code_fails(self):
        with time_machine.travel(START, tick=False) as clock:
            _, code = start()
            clock.shift(datetime.timedelta(minutes=10))
            self.assertFalse(verification_check(phone=PHONE, purpose="opinion", code=code))

    @override_settings(RENDA_VERIFICATION_CODE_TTL=120)
    def test_the_lifetime_is_a_setting(self):
        with time_machine.travel(START, tick=False) as clock:
            row, code = start()
            self.assertEqual(row.expires_at, START + datetime.timedelta(minutes=2))
            clock.shift(datetime.timedelta(seconds=119))
            self.assertTrue(verification_check(phone=PHONE, purpose="opinion", code=code))

    def test_a_newer_code_supersedes_the_older(self):
        with time_machine.travel(START, tick=False) as clock:
            _, old = start()
            clock.shift(datetime.timedelta(minutes=1))
            _, new = start()
            if old != new:
                self.assertFalse(verification_check(phone=PHONE, purpose="opinion", code=old))
            self.assertTrue(verification_check(phone=PHONE, purpose="opinion", code=new))

    def test_nothing_asked_nothing_passes(self):
        self.assertFalse(verification_check(phone=PHONE, purpose="opinion", code="123456"))
        self.assertFalse(verification_check(phone="not a phone", purpose="opinion",
                                            code="123456"))


@override_settings(RENDA_NOTIFICATION_BACKENDS={
    "sms": "renda.core.tests.test_notifications.RefusingBackend",
    "email": "renda.core.notifications.EmailBackend"})
class GatewayDownTest(TestCase):
    def test_it_says_the_sms_could_not_be_sent(self):
        with self.assertLogs("renda.notifications", "WARNING"), self.assertRaisesMessage(
                ValidationError, "短信发送失败"):
            verification_start(phone=PHONE, purpose="opinion")
