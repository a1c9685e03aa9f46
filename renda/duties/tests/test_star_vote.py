"""The public online vote of a star round: a mobile number confirmed by an SMS code votes once a
day per round (`duties.star_votes_per_day`), only while the vote is open; nothing is counted
from a refused vote, and no number is stored or shown."""

import datetime
import threading
import unittest

import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from renda.core.verification import phone_digest, verification_check, verification_start
from renda.directory.models import CongressSetting
from renda.duties import stars
from renda.duties.models import StarCandidate, StarRound, StarVote
from renda.duties.tests.test_stars import StarWorldMixin
from renda.opinions.tests.test_public_views import CAPTURE, SENT, last_code

PHONE = "13904510002"
OTHER = "13904510003"


class VoteWorldMixin(StarWorldMixin):
    """A station round in its vote today, with xingjian and youxie as candidates."""

    def setUp(self):
        super().setUp()
        SENT.clear()
        today = timezone.localdate()
        self.today = today
        self.round, self.xingjian_c, self.youxie_c = self.reviewed_round_voting(today)

    def reviewed_round_voting(self, today):
        star_round = self.station_round(vote_opens_on=today - datetime.timedelta(days=2),
                                        vote_closes_on=today + datetime.timedelta(days=5))
        first = self.nominate(star_round, station=self.xingjian)
        second = self.nominate(star_round, station=self.youxie)
        self.advance(star_round, "start_review", today=today)
        self.score(first, self.evaluator, 18, 18, 27, 28)
        self.score(second, self.evaluator, 15, 14, 20, 21)
        return self.advance(star_round, "open_vote", today=today), first, second

    def confirm(self, phone=PHONE) -> str:
        verification_start(phone=phone, purpose=stars.PURPOSE)
        return stars.star_voter_confirm(phone=phone, code=last_code(phone))

    def cast(self, candidate, digest, today=None):
        return stars.star_vote_cast(round_id=self.round.pk, candidate_id=candidate.pk,
                                    phone_digest=digest, today=today or self.today)

    def counted(self, candidate) -> int:
        return StarCandidate.objects.get(pk=candidate.pk).public_votes


class VoteWorld(VoteWorldMixin, TestCase):
    pass


@CAPTURE
class VoteServiceTest(VoteWorld):
    def test_a_confirmed_number_votes_once_a_day(self):
        digest = self.confirm()
        self.cast(self.xingjian_c, digest)
        self.assertEqual(self.counted(self.xingjian_c), 1)
        for candidate in (self.xingjian_c, self.youxie_c):
            with self.subTest(candidate=str(candidate)), \
                    self.assertRaisesMessage(ValidationError, "今天已经投过票"):
                self.cast(candidate, digest)
        self.assertEqual((self.counted(self.xingjian_c), self.counted(self.youxie_c)), (1, 0))
        self.cast(self.xingjian_c, digest, today=self.today + datetime.timedelta(days=1))
        self.assertEqual(self.counted(self.xingjian_c), 2)
        self.assertEqual(StarVote.objects.count(), 2)
        # Another number is another voter.
        self.cast(self.xingjian_c, self.confirm(OTHER))
        self.assertEqual(self.counted(self.xingjian_c), 3)

    def test_the_day_s_allowance_is_a_setting(self):
        CongressSetting.objects.create(congress=self.pingfang, key="duties.star_votes_per_day",
                                       value=2, effective_from=datetime.date(2020, 1, 1))
        digest = self.confirm()
        self.cast(self.xingjian_c, digest)
        with self.assertRaisesMessage(ValidationError, "已经为这位候选投过票"):
            self.cast(self.xingjian_c, digest)
        self.cast(self.youxie_c, digest)
        with self.assertRaisesMessage(ValidationError, "每天限投 2 票"):
            self.cast(self.youxie_c, digest)
        self.assertEqual(StarVote.objects.count(), 2)

    def test_an_unconfirmed_number_is_refused(self):
        cases = {
            "never confirmed": phone_digest(PHONE),
            "empty": "",
        }
        for label, digest in cases.items():
            with self.subTest(label), self.assertRaisesMessage(ValidationError, "短信验证码"):
                self.cast(self.xingjian_c, digest)
        verification_start(phone=PHONE, purpose=stars.PURPOSE)
        with self.assertRaisesMessage(ValidationError, "验证码不正确"):
            stars.star_voter_confirm(phone=PHONE, code="000000" if last_code() != "000000"
                                     else "111111")
        with self.assertRaisesMessage(ValidationError, "短信验证码"):
            self.cast(self.xingjian_c, phone_digest(PHONE))
        # A code of another purpose (the opinion form's) does not confirm a voter.
        verification_start(phone=OTHER, purpose="opinion")
        self.assertTrue(verification_check(phone=OTHER, purpose="opinion",
                                           code=last_code(OTHER)))
        with self.assertRaisesMessage(ValidationError, "短信验证码"):
            self.cast(self.xingjian_c, phone_digest(OTHER))
        self.assertEqual(self.counted(self.xingjian_c), 0)

    def test_a_confirmation_lasts_half_an_hour(self):
        digest = self.confirm()
        later = timezone.now() + stars.CONFIRMATION_VALID + datetime.timedelta(minutes=1)
        with time_machine.travel(later), self.assertRaisesMessage(ValidationError, "短信验证码"):
            self.cast(self.xingjian_c, digest)

    def test_outside_the_vote_s_dates_or_state_it_is_refused(self):
        digest = self.confirm()
        opens, closes = self.round.vote_opens_on, self.round.vote_closes_on
        for day in (opens - datetime.timedelta(days=1), closes + datetime.timedelta(days=1)):
            with self.subTest(day=day), self.assertRaisesMessage(ValidationError, "投票时间"):
                self.cast(self.xingjian_c, digest, today=day)
        self.cast(self.xingjian_c, digest, today=opens)
        self.cast(self.xingjian_c, digest, today=closes)
        self.advance(self.round, "close_vote", today=closes + datetime.timedelta(days=1))
        with self.assertRaisesMessage(ValidationError, "投票时间"):
            self.cast(self.youxie_c, digest, today=closes + datetime.timedelta(days=2))
        self.assertEqual(self.counted(self.xingjian_c), 2)

    def test_a_candidate_of_another_round_or_withdrawn_is_refused(self):
        digest = self.confirm()
        StarCandidate.objects.filter(pk=self.youxie_c.pk).update(is_withdrawn=True)
        with self.assertRaisesMessage(ValidationError, "请从名单中选择候选"):
            self.cast(self.youxie_c, digest)
        self.assertEqual(StarVote.objects.count(), 0)


@CAPTURE
class VotePageTest(VoteWorld):
    def url(self):
        return reverse("duties:star_vote_page", args=[self.round.pk])

    def test_a_citizen_confirms_the_number_votes_and_is_refused_a_second_time(self):
        page = self.client.get(self.url())
        self.assertContains(page, self.xingjian.name)
        self.assertContains(page, "本年度组织接待日")
        response = self.client.post(self.url(), {"action": "send_code", "mobile": PHONE})
        self.assertContains(response, "验证码已发送至 139****0002")
        response = self.client.post(self.url(), {"action": "confirm", "mobile": PHONE,
                                                 "code": last_code()}, follow=True)
        self.assertContains(response, "已验证手机号码 <strong>139****0002</strong>")
        response = self.client.post(self.url(), {"action": "vote",
                                                 "candidate": self.xingjian_c.pk}, follow=True)
        self.assertContains(response, "投票成功")
        response = self.client.post(self.url(), {"action": "vote",
                                                 "candidate": self.youxie_c.pk}, follow=True)
        self.assertContains(response, "该手机号码今天已经投过票")
        self.assertEqual((self.counted(self.xingjian_c), self.counted(self.youxie_c)), (1, 0))
        self.assertNotContains(response, PHONE)
        self.assertFalse(StarVote.objects.filter(phone_digest__contains=PHONE).exists())

    def test_a_vote_without_a_confirmed_number_is_refused(self):
        response = self.client.post(self.url(), {"action": "vote",
                                                 "candidate": self.xingjian_c.pk}, follow=True)
        self.assertContains(response, "请先用短信验证码确认手机号码")
        self.assertEqual(StarVote.objects.count(), 0)

    def test_a_wrong_code_keeps_the_number_and_says_why(self):
        self.client.post(self.url(), {"action": "send_code", "mobile": PHONE})
        wrong = "000000" if last_code() != "000000" else "111111"
        response = self.client.post(self.url(), {"action": "confirm", "mobile": PHONE,
                                                 "code": wrong})
        self.assertContains(response, "验证码不正确或已失效", status_code=400)
        self.assertContains(response, f'value="{PHONE}"', status_code=400)
        response = self.client.post(self.url(), {"action": "send_code", "mobile": "12345"})
        self.assertContains(response, "请输入正确的 11 位手机号码", status_code=400)
        response = self.client.post(self.url(), {"action": "confirm", "mobile": PHONE})
        self.assertContains(response, "请填写短信验证码", status_code=400)

    def test_codes_are_rate_limited(self):
        self.client.post(self.url(), {"action": "send_code", "mobile": PHONE})
        response = self.client.post(self.url(), {"action": "send_code", "mobile": PHONE})
        self.assertContains(response, "验证码发送过于频繁", status_code=400)
        self.assertEqual(len(SENT), 1)

    def test_a_closed_vote_shows_no_buttons(self):
        StarRound.objects.filter(pk=self.round.pk).update(
            vote_closes_on=self.today - datetime.timedelta(days=1))
        page = self.client.get(self.url())
        self.assertContains(page, "网络投票已经结束")
        self.assertNotContains(page, 'value="vote"')


@unittest.skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL")
@CAPTURE
class ConcurrentVoteTest(VoteWorldMixin, TransactionTestCase):
    """Two requests of one number at the same moment: the round's lock lets one through."""

    def test_two_votes_at_once_count_once(self):
        digest = self.confirm()
        results: list[str] = []
        barrier = threading.Barrier(2)

        def vote(candidate):
            barrier.wait()
            try:
                self.cast(candidate, digest)
                results.append("ok")
            except ValidationError:
                results.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=vote, args=(c,))
                   for c in (self.xingjian_c, self.youxie_c)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(results), ["ok", "refused"])
        self.assertEqual(StarVote.objects.count(), 1)
        self.assertEqual(self.counted(self.xingjian_c) + self.counted(self.youxie_c), 1)
