import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase, override_settings
from django.urls import reverse
from icalendar import Calendar

from renda.directory.models import ReceptionDay, ReceptionSchedule
from renda.directory.testing import build_world

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITE = "https://renda.example.gov.cn"


@override_settings(SITE_URL=SITE)
@time_machine.travel("2026-11-24 10:00 +0800", tick=False)
class CalendarFeedTest(TestCase):
    def setUp(self):
        self.world = build_world()
        self.wang = self.world.deputies["wang"]
        self.li = self.world.deputies["li"]
        self.rule = ReceptionSchedule.objects.get(station=self.world.stations["xingjian"])

    def get_calendar(self, url: str) -> Calendar:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        return Calendar.from_ical(response.content)

    def station_calendar(self) -> Calendar:
        return self.get_calendar(reverse("directory:station_ical", args=["PF-XJ-01"]))

    def test_it_describes_the_calendar(self):
        cal = self.station_calendar()
        self.assertEqual(str(cal["VERSION"]), "2.0")
        self.assertEqual(str(cal["CALSCALE"]), "GREGORIAN")
        self.assertIn("Renda", str(cal["PRODID"]))
        self.assertEqual(str(cal["X-WR-CALNAME"]), "兴建街道人大代表联络站接待日")
        self.assertEqual(str(cal["X-WR-TIMEZONE"]), "Asia/Shanghai")
        [vtimezone] = cal.walk("VTIMEZONE")
        self.assertEqual(str(vtimezone["TZID"]), "Asia/Shanghai")

    def test_it_lists_a_year_of_station_reception_days(self):
        events = self.station_calendar().walk("VEVENT")
        # Twelve first Tuesdays from 2026-12-01 to 2027-11-02, and the one-off day on 12 December.
        self.assertEqual(len(events), 13)
        starts = [event.decoded("DTSTART") for event in events]
        self.assertEqual(starts[0], datetime.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI))
        self.assertEqual(starts[1], datetime.datetime(2026, 12, 12, 14, tzinfo=SHANGHAI))
        self.assertEqual(starts[-1], datetime.datetime(2027, 11, 2, 9, tzinfo=SHANGHAI))
        for event in events:
            for key in ("DTSTART", "DTEND"):
                self.assertEqual(str(event[key].params["TZID"]), "Asia/Shanghai")
                self.assertEqual(event.decoded(key).utcoffset(), datetime.timedelta(hours=8))
            self.assertIn("DTSTAMP", event)

    def test_it_fills_in_each_event(self):
        first, one_off = self.station_calendar().walk("VEVENT")[:2]
        self.assertEqual(str(first["UID"]), f"reception-PF-XJ-01-s{self.rule.pk}-20261201@renda")
        self.assertEqual(str(first["SUMMARY"]), "代表接待日 · 兴建街道人大代表联络站")
        self.assertEqual(str(first["LOCATION"]), "兴建街道人大代表联络站，平房区兴建路 12 号")
        self.assertIn("王建国", str(first["DESCRIPTION"]))
        self.assertIn("李秀英", str(first["DESCRIPTION"]))
        self.assertEqual(str(first["URL"]), f"{SITE}/stations/PF-XJ-01/")
        self.assertEqual(
            first.decoded("DTEND"), datetime.datetime(2026, 12, 1, 11, 30, tzinfo=SHANGHAI)
        )
        self.assertIn("老旧小区改造专题接待", str(one_off["DESCRIPTION"]))

    def test_it_gives_each_event_a_stable_unique_uid(self):
        uids = [str(event["UID"]) for event in self.station_calendar().walk("VEVENT")]
        self.assertEqual(len(uids), len(set(uids)))
        again = [str(event["UID"]) for event in self.station_calendar().walk("VEVENT")]
        self.assertEqual(uids, again)

    def test_it_lists_a_deputys_days(self):
        url = reverse("directory:deputy_ical", args=[self.wang.pk])
        events = self.get_calendar(url).walk("VEVENT")
        self.assertEqual(len(events), 12)  # the first Tuesdays, not 李秀英's one-off day
        response = self.client.get(reverse("directory:deputy_ical", args=[self.li.pk]))
        self.assertEqual(len(Calendar.from_ical(response.content).walk("VEVENT")), 13)

    def test_it_announces_a_cancelled_occurrence(self):
        ReceptionDay.objects.create(
            station=self.rule.station,
            schedule=self.rule,
            replaces_date=datetime.date(2027, 1, 5),
            date=datetime.date(2027, 1, 5),
            start_time=self.rule.start_time,
            end_time=self.rule.end_time,
            is_cancelled=True,
        )
        events = self.station_calendar().walk("VEVENT")
        cancelled = [e for e in events if str(e["STATUS"]) == "CANCELLED"]
        self.assertEqual(
            [str(e["UID"]) for e in cancelled],
            [f"reception-PF-XJ-01-s{self.rule.pk}-20270105@renda"],
        )

    def test_it_carries_no_private_data(self):
        for url in [
            reverse("directory:deputy_ical", args=[self.wang.pk]),
            reverse("directory:station_ical", args=["PF-XJ-01"]),
        ]:
            body = self.client.get(url).content.decode()
            unfolded = body.replace("\r\n ", "")
            for deputy in self.world.deputies.values():
                for private in (deputy.mobile, deputy.id_number, deputy.home_address):
                    self.assertNotIn(private, unfolded)

    def test_it_leaves_out_deputies_not_in_the_public_directory(self):
        self.li.is_public = False
        self.li.save()
        events = self.station_calendar().walk("VEVENT")
        self.assertNotIn("李秀英", str(events[0]["DESCRIPTION"]))
        response = self.client.get(reverse("directory:deputy_ical", args=[self.li.pk]))
        self.assertEqual(response.status_code, 404)

    def test_it_hides_inactive_stations(self):
        self.world.stations["xingjian"].is_active = False
        self.world.stations["xingjian"].save()
        response = self.client.get(reverse("directory:station_ical", args=["PF-XJ-01"]))
        self.assertEqual(response.status_code, 404)
        events = self.get_calendar(reverse("directory:deputy_ical", args=[self.wang.pk]))
        self.assertEqual(events.walk("VEVENT"), [])
