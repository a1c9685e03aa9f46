import contextlib
import io

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from renda.core.models import CalendarYear, Notification
from renda.core.notifications import (
    Backend,
    OutgoingMessage,
    notification_enqueue,
    notification_retry_failed,
    notification_send,
    send_notification_task,
)
from renda.core.verification import verification_start
from renda.directory.testing import PASSWORD, build_world

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class RefusingBackend(Backend):
    """A gateway that is down."""

    def send(self, message: OutgoingMessage) -> str:
        raise ConnectionError("gateway unreachable")


class RecordingBackend(Backend):
    sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> str:
        self.sent.append(message)
        return f"rec-{len(self.sent)}"


REFUSING = {"sms": f"{__name__}.RefusingBackend",
            "email": "renda.core.notifications.EmailBackend"}
RECORDING = {"sms": f"{__name__}.RecordingBackend",
             "email": "renda.core.notifications.EmailBackend"}


def send_sms(**kwargs) -> tuple[Notification, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        notification = notification_send(channel="sms", recipient="13800138000",
                                         body=kwargs.pop("body", "会议通知"), **kwargs)
    return notification, out.getvalue()


class ConsoleBackendTest(TestCase):
    def test_it_prints_the_message_and_records_it_sent(self):
        with self.assertLogs("renda.notifications", "INFO") as logs:
            notification, printed = send_sms(subject="提醒")
        self.assertIn("13800138000", printed)
        self.assertIn("会议通知", printed)
        self.assertIn("138****8000", logs.output[0])
        self.assertNotIn("13800138000", logs.output[0])
        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.SENT)
        self.assertEqual(notification.attempts, 1)
        self.assertTrue(notification.provider_id.startswith("console-"))
        self.assertIsNotNone(notification.sent_at)

    def test_it_links_the_record_it_is_about(self):
        year = CalendarYear.objects.create(year=2031)
        notification, _ = send_sms(target=year)
        self.assertEqual(notification.content_type, ContentType.objects.get_for_model(year))
        self.assertEqual(notification.target, year)


class EmailBackendTest(TestCase):
    def test_it_sends_through_django_mail(self):
        notification = notification_send(channel="email", recipient="zhang@example.cn",
                                         subject="办理结果", body="您的意见已办结。")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["zhang@example.cn"])
        self.assertEqual(mail.outbox[0].subject, "办理结果")
        self.assertEqual(notification.status, Notification.Status.SENT)
        self.assertEqual(notification.provider_id, mail.outbox[0].extra_headers["Message-ID"])


class IdempotencyTest(TestCase):
    def test_a_second_call_with_the_same_key_sends_nothing(self):
        first, printed = send_sms(idempotency_key="opinion-7-received")
        second, printed_again = send_sms(idempotency_key="opinion-7-received", body="别的内容")
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(printed_again, "")
        self.assertEqual(Notification.objects.count(), 1)
        self.assertEqual(second.body, "会议通知")

    def test_calls_without_a_key_each_send(self):
        send_sms()
        send_sms()
        self.assertEqual(Notification.objects.filter(status="sent").count(), 2)

    def test_an_unknown_channel_is_refused_before_anything_is_stored(self):
        with self.assertRaises(ImproperlyConfigured):
            notification_send(channel="fax", recipient="x", body="y")
        self.assertFalse(Notification.objects.exists())


class FailureTest(TestCase):
    @override_settings(RENDA_NOTIFICATION_BACKENDS=REFUSING)
    def test_a_refusal_is_recorded_not_raised(self):
        with self.assertLogs("renda.notifications", "WARNING"):
            notification = notification_send(channel="sms", recipient="13800138000", body="x")
        self.assertEqual(notification.status, Notification.Status.FAILED)
        self.assertEqual(notification.attempts, 1)
        self.assertIn("gateway unreachable", notification.error)
        self.assertIsNone(notification.sent_at)

    def test_the_sweep_sends_failed_messages_again(self):
        with override_settings(RENDA_NOTIFICATION_BACKENDS=REFUSING), self.assertLogs(
                "renda.notifications", "WARNING"):
            failed = notification_send(channel="sms", recipient="13800138000", body="x")
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(notification_retry_failed(), 1)
        failed.refresh_from_db()
        self.assertEqual(failed.status, Notification.Status.SENT)
        self.assertEqual(failed.attempts, 2)
        self.assertEqual(failed.error, "")
        self.assertEqual(notification_retry_failed(), 0)

    @override_settings(RENDA_NOTIFICATION_BACKENDS=REFUSING, RENDA_NOTIFICATION_MAX_ATTEMPTS=2)
    def test_the_sweep_gives_up_after_the_attempt_limit(self):
        with self.assertLogs("renda.notifications", "WARNING"):
            failed = notification_send(channel="sms", recipient="13800138000", body="x")
            self.assertEqual(notification_retry_failed(), 1)
        self.assertEqual(notification_retry_failed(), 0)
        failed.refresh_from_db()
        self.assertEqual(failed.attempts, 2)

    @override_settings(RENDA_NOTIFICATION_BACKENDS=REFUSING)
    def test_a_message_with_a_secret_is_never_sent_again(self):
        with self.assertLogs("renda.notifications", "WARNING"):
            notification = notification_send(channel="sms", recipient="13800138000",
                                             body="验证码 482913", secret="482913")
        self.assertEqual(notification.body, "验证码 ******")
        self.assertEqual(notification.recipient, "138****8000")
        self.assertEqual(notification_retry_failed(), 0)

    def test_the_command_runs_the_sweep(self):
        out = io.StringIO()
        call_command("retry_notifications", "--limit", "10", stdout=out)
        self.assertIn("retried: 0", out.getvalue())


@override_settings(TASKS=IMMEDIATE_TASKS, RENDA_NOTIFICATION_BACKENDS=RECORDING)
class TaskTest(TestCase):
    def setUp(self):
        RecordingBackend.sent = []

    def test_an_enqueued_message_is_sent_by_the_task_after_commit(self):
        with self.captureOnCommitCallbacks(execute=True):
            notification = notification_enqueue(channel="sms", recipient="13800138000",
                                                body="您的意见已受理")
            self.assertEqual(notification.status, Notification.Status.QUEUED)
            self.assertEqual(RecordingBackend.sent, [])
        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.SENT)
        self.assertEqual(notification.provider_id, "rec-1")
        self.assertEqual(RecordingBackend.sent[0].body, "您的意见已受理")

    def test_the_task_sends_a_queued_row_once(self):
        with self.captureOnCommitCallbacks(execute=False):
            notification = notification_enqueue(channel="sms", recipient="13800138000",
                                                body="x", idempotency_key="k")
        send_notification_task.enqueue(notification.pk)
        send_notification_task.enqueue(notification.pk)
        self.assertEqual(len(RecordingBackend.sent), 1)
        notification.refresh_from_db()
        self.assertEqual(notification.attempts, 1)


class AdminTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        for user in cls.world.users.values():
            user.is_staff = True
            user.save()
        cls.superuser = cls.world.users["admin"].__class__.objects.create_superuser(
            username="root", password=PASSWORD)

    def test_superusers_read_notifications_with_masked_numbers(self):
        notification, _ = send_sms()
        self.client.force_login(self.superuser)
        page = self.client.get(reverse("admin:core_notification_changelist"))
        self.assertContains(page, "138****8000")
        self.assertNotContains(page, "13800138000")
        detail = self.client.get(reverse("admin:core_notification_change",
                                         args=[notification.pk]))
        self.assertContains(detail, "138****8000")
        self.assertNotContains(detail, "13800138000")
        self.assertEqual(self.client.get(reverse("admin:core_notification_add")).status_code, 403)

    def test_superusers_see_no_code_hashes(self):
        with contextlib.redirect_stdout(io.StringIO()):
            code = verification_start(phone="13800138000", purpose="opinion")
        self.client.force_login(self.superuser)
        for url in [reverse("admin:core_verificationcode_changelist"),
                    reverse("admin:core_verificationcode_change", args=[code.pk])]:
            page = self.client.get(url)
            self.assertContains(page, "opinion")
            self.assertNotContains(page, code.code_hash)
            self.assertNotContains(page, code.phone_hash)

    def test_no_role_sees_them(self):
        self.client.force_login(self.world.users["admin"])
        for name in ["core_notification_changelist", "core_verificationcode_changelist"]:
            self.assertEqual(self.client.get(reverse(f"admin:{name}")).status_code, 403)
