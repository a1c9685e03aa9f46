import datetime

from django.test import TestCase

from renda.directory.models import CongressSetting, ReceptionDay, ReceptionSchedule
from renda.directory.reception import upcoming_reception_days
from renda.directory.testing import build_world

D = datetime.date
MARCH = D(2026, 3, 1)


class ReceptionTestCase(TestCase):
    def setUp(self):
        self.world = build_world()
        self.xingjian = self.world.stations["xingjian"]
        self.youxie = self.world.stations["youxie"]
        # The world's rule: 兴建 station, first Tuesday of every month, 王建国 and 李秀英.
        self.rule = ReceptionSchedule.objects.get(station=self.xingjian)

    def add_rule(self, **fields) -> ReceptionSchedule:
        defaults = dict(
            station=self.youxie,
            frequency=ReceptionSchedule.Frequency.MONTHLY,
            weekday=ReceptionSchedule.Weekday.FRI,
            start_time=datetime.time(9),
            end_time=datetime.time(11),
            valid_from=D(2025, 1, 1),
        )
        return ReceptionSchedule.objects.create(**{**defaults, **fields})

    def dates(self, **kwargs) -> list[datetime.date]:
        return [o.date for o in upcoming_reception_days(**kwargs)]


class RuleExpansionTest(ReceptionTestCase):
    def test_it_expands_a_weekly_rule(self):
        self.add_rule(
            frequency=ReceptionSchedule.Frequency.WEEKLY,
            weekday=ReceptionSchedule.Weekday.WED,
            week_of_month=None,
        )
        self.assertEqual(
            self.dates(station=self.youxie, start=D(2026, 3, 2), days=14),
            [D(2026, 3, 4), D(2026, 3, 11)],
        )

    def test_it_expands_the_nth_weekday_of_the_month(self):
        self.assertEqual(
            self.dates(station=self.xingjian, start=MARCH, days=92),
            [D(2026, 3, 3), D(2026, 4, 7), D(2026, 5, 5)],
        )

    def test_it_skips_months_without_a_fifth_weekday(self):
        self.add_rule(weekday=ReceptionSchedule.Weekday.TUE, week_of_month=5)
        self.assertEqual(
            self.dates(station=self.youxie, start=MARCH, days=122), [D(2026, 3, 31), D(2026, 6, 30)]
        )

    def test_it_expands_the_last_weekday_of_the_month(self):
        self.add_rule(week_of_month=-1)
        self.assertEqual(
            self.dates(station=self.youxie, start=MARCH, days=61), [D(2026, 3, 27), D(2026, 4, 24)]
        )

    def test_it_stops_at_valid_until(self):
        self.rule.valid_until = D(2026, 4, 30)
        self.rule.save()
        self.assertEqual(
            self.dates(station=self.xingjian, start=MARCH, days=92), [D(2026, 3, 3), D(2026, 4, 7)]
        )

    def test_it_starts_at_valid_from(self):
        self.rule.valid_from = D(2026, 3, 4)
        self.rule.save()
        self.assertEqual(self.dates(station=self.xingjian, start=MARCH, days=61), [D(2026, 4, 7)])

    def test_it_fills_in_the_rule(self):
        [occurrence] = upcoming_reception_days(station=self.xingjian, start=MARCH, days=10)
        self.assertEqual(
            (occurrence.start_time, occurrence.end_time), (datetime.time(9), datetime.time(11, 30))
        )
        self.assertEqual(occurrence.title, "代表接待日")
        self.assertEqual({d.name for d in occurrence.deputies}, {"王建国", "李秀英"})
        self.assertEqual(occurrence.uid, f"reception-PF-XJ-01-s{self.rule.pk}-20260303@renda")
        self.assertFalse(occurrence.cancelled)


class ExceptionTest(ReceptionTestCase):
    def replace(self, replaces: datetime.date, **fields) -> ReceptionDay:
        defaults = dict(
            station=self.xingjian,
            schedule=self.rule,
            replaces_date=replaces,
            date=replaces,
            start_time=datetime.time(14),
            end_time=datetime.time(16),
        )
        return ReceptionDay.objects.create(**{**defaults, **fields})

    def test_it_moves_an_occurrence(self):
        day = self.replace(D(2026, 4, 7), date=D(2026, 4, 9), topic="改期")
        day.deputies.add(self.world.deputies["li"])
        occurrences = upcoming_reception_days(station=self.xingjian, start=MARCH, days=92)
        self.assertEqual(
            [o.date for o in occurrences], [D(2026, 3, 3), D(2026, 4, 9), D(2026, 5, 5)]
        )
        moved = occurrences[1]
        self.assertEqual((moved.start_time, moved.topic), (datetime.time(14), "改期"))
        self.assertEqual([d.name for d in moved.deputies], ["李秀英"])
        # The moved day keeps the UID of the occurrence it replaces.
        self.assertEqual(moved.uid, f"reception-PF-XJ-01-s{self.rule.pk}-20260407@renda")

    def test_it_shows_an_occurrence_moved_into_the_window(self):
        self.replace(D(2026, 2, 3), date=D(2026, 3, 10))
        self.assertEqual(
            self.dates(station=self.xingjian, start=MARCH, days=31), [D(2026, 3, 3), D(2026, 3, 10)]
        )

    def test_it_drops_an_occurrence_moved_out_of_the_window(self):
        self.replace(D(2026, 3, 3), date=D(2026, 2, 27))
        self.assertEqual(self.dates(station=self.xingjian, start=MARCH, days=31), [])

    def test_it_drops_a_cancelled_occurrence(self):
        self.replace(D(2026, 4, 7), is_cancelled=True)
        self.assertEqual(
            self.dates(station=self.xingjian, start=MARCH, days=92), [D(2026, 3, 3), D(2026, 5, 5)]
        )

    def test_it_can_list_cancelled_occurrences(self):
        self.replace(D(2026, 4, 7), is_cancelled=True)
        occurrences = upcoming_reception_days(
            station=self.xingjian, start=MARCH, days=92, include_cancelled=True
        )
        self.assertEqual(
            [(o.date, o.cancelled) for o in occurrences],
            [(D(2026, 3, 3), False), (D(2026, 4, 7), True), (D(2026, 5, 5), False)],
        )

    def test_it_lists_one_off_days(self):
        occurrences = upcoming_reception_days(station=self.xingjian, start=D(2026, 12, 1), days=31)
        self.assertEqual([o.date for o in occurrences], [D(2026, 12, 1), D(2026, 12, 12)])
        one_off = occurrences[1]
        self.assertEqual(one_off.topic, "老旧小区改造专题接待")
        self.assertTrue(one_off.uid.startswith("reception-PF-XJ-01-d"))

    def test_it_leaves_out_cancelled_one_off_days(self):
        ReceptionDay.objects.filter(date=D(2026, 12, 12)).update(is_cancelled=True)
        self.assertEqual(
            self.dates(station=self.xingjian, start=D(2026, 12, 1), days=31), [D(2026, 12, 1)]
        )


class FilterTest(ReceptionTestCase):
    def test_it_filters_by_deputy_on_duty(self):
        deputies = self.world.deputies
        start = D(2026, 12, 1)
        self.assertEqual(
            self.dates(deputy=deputies["li"], start=start, days=31),
            [D(2026, 12, 1), D(2026, 12, 12)],
        )
        self.assertEqual(
            self.dates(deputy=deputies["wang"], start=start, days=31), [D(2026, 12, 1)]
        )
        self.assertEqual(self.dates(deputy=deputies["zhao"], start=start, days=31), [])

    def test_it_lists_all_active_stations(self):
        self.add_rule(week_of_month=1)
        occurrences = upcoming_reception_days(start=MARCH, days=31)
        self.assertEqual(
            [(o.date, o.station.code) for o in occurrences],
            [(D(2026, 3, 3), "PF-XJ-01"), (D(2026, 3, 6), "PF-YX-01")],
        )

    def test_it_leaves_out_inactive_stations(self):
        self.xingjian.is_active = False
        self.xingjian.save()
        self.assertEqual(self.dates(start=D(2026, 12, 1), days=31), [])

    def test_it_lists_only_public_deputies_on_duty(self):
        self.world.deputies["wang"].is_public = False
        self.world.deputies["wang"].save()
        [occurrence] = upcoming_reception_days(station=self.xingjian, start=MARCH, days=10)
        self.assertEqual([d.name for d in occurrence.deputies], ["李秀英"])

    def test_it_reads_the_window_from_the_congress_setting(self):
        CongressSetting.objects.create(
            congress=self.world.congresses["pingfang"],
            key="directory.upcoming_reception_days",
            value=5,
            effective_from=D(2020, 1, 1),
        )
        self.assertEqual(self.dates(station=self.xingjian, start=D(2026, 12, 1)), [D(2026, 12, 1)])
        self.assertEqual(
            self.dates(deputy=self.world.deputies["li"], start=D(2026, 12, 1)), [D(2026, 12, 1)]
        )

    def test_it_defaults_to_the_registered_window(self):
        self.assertEqual(
            self.dates(station=self.xingjian, start=D(2026, 12, 1)),
            [D(2026, 12, 1), D(2026, 12, 12), D(2027, 1, 5)],
        )

    def test_it_runs_a_fixed_number_of_queries(self):
        for weekday in range(7):
            rule = self.add_rule(frequency=ReceptionSchedule.Frequency.WEEKLY, weekday=weekday)
            rule.deputies.add(self.world.deputies["zhao"])
            day = ReceptionDay.objects.create(
                station=self.youxie,
                date=D(2026, 3, 10 + weekday),
                start_time=datetime.time(9),
                end_time=datetime.time(10),
            )
            day.deputies.add(self.world.deputies["zhao"])
        with self.assertNumQueries(5):
            occurrences = upcoming_reception_days(start=MARCH, days=31)
        self.assertEqual(len(occurrences), 1 + 31 + 7)
