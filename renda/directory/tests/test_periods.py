import datetime

from django.test import TestCase

from renda.directory.models import Congress, PlenarySession, Term
from renda.directory.periods import PeriodKind, is_closed_period, period_on, term_periods
from renda.directory.testing import build_world

D = datetime.date


class PeriodsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        world = build_world()
        cls.congress: Congress = world.congresses["pingfang"]
        cls.term: Term = world.terms["pingfang"]  # from 2022-01-01; session 1 on 01-05..01-08
        cls.second = PlenarySession.objects.create(term=cls.term, number=2,
                                                   start_date=D(2023, 1, 10),
                                                   end_date=D(2023, 1, 13))

    def test_the_term_is_cut_without_gaps(self):
        periods = term_periods(term=self.term)
        kinds = [p.kind for p in periods]
        self.assertEqual(kinds, [PeriodKind.CLOSED, PeriodKind.SESSION, PeriodKind.CLOSED,
                                 PeriodKind.SESSION, PeriodKind.CLOSED])
        for before, after in zip(periods, periods[1:], strict=False):
            self.assertEqual(before.end + datetime.timedelta(days=1), after.start)
        self.assertIsNone(periods[-1].end)

    def test_a_day_between_sessions_is_in_the_closed_period(self):
        period = period_on(congress=self.congress, day=D(2022, 6, 1))
        self.assertEqual(period.kind, PeriodKind.CLOSED)
        self.assertEqual(period.previous.number, 1)
        self.assertEqual(period.following, self.second)
        self.assertTrue(is_closed_period(congress=self.congress, day=D(2022, 6, 1)))

    def test_session_days_including_the_last(self):
        for day in (D(2023, 1, 10), D(2023, 1, 13)):
            period = period_on(congress=self.congress, day=day)
            self.assertEqual(period.session, self.second)
        self.assertTrue(is_closed_period(congress=self.congress, day=D(2023, 1, 14)))

    def test_no_term_no_period(self):
        self.assertIsNone(period_on(congress=self.congress, day=D(2020, 1, 1)))
        self.assertFalse(is_closed_period(congress=self.congress, day=D(2020, 1, 1)))
