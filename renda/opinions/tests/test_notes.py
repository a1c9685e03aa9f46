"""Internal notes and three-party meetings (三方会商): who may add them, what is checked, what
the staff page shows, and that the citizen's tracking page never shows a note."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from renda.core.models import Event
from renda.opinions import notes
from renda.opinions.models import OpinionMeeting, OpinionNote
from renda.opinions.tests.helpers import OpinionTestCase


def detail(opinion) -> str:
    return reverse("opinions:staff_detail", args=[opinion.pk])


class NoteServiceTest(OpinionTestCase):
    def test_it_adds_a_note_for_each_role_in_scope(self):
        opinion, _ = self.opinion_in("accepted")
        for key in ("office_staff", "station_staff", "deputy", "unit_handler", "unit_head"):
            with self.subTest(role=key):
                user = self.world.users[key]
                note = notes.opinion_note_add(actor=user, opinion_id=opinion.pk,
                                              body=f"{key} 已电话联系反映人")
                self.assertEqual(note.author, user)
        self.assertEqual(Event.objects.filter(action="note", object_id=opinion.pk).count(), 5)
        self.assertEqual(OpinionNote.history.filter(opinion_id=opinion.pk).count(), 5)

    def test_it_refuses_roles_without_the_permission_or_out_of_scope(self):
        opinion, _ = self.opinion_in("received", station="youxie", deputy="zhao")
        for user in (self.world.users["leader"], self.world.users["evaluator"],
                     self.world.outsider, self.world.users["station_staff"],
                     self.world.users["deputy"], self.handler):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                notes.opinion_note_add(actor=user, opinion_id=opinion.pk, body="备注")
        self.assertFalse(OpinionNote.objects.exists())

    def test_it_requires_text_within_the_limit(self):
        opinion, _ = self.opinion_in("received")
        for body, message in (("   ", "此项不能为空"), ("字" * 2001, "最多 2000 个字")):
            with self.subTest(length=len(body)), self.assertRaisesMessage(ValidationError,
                                                                           message):
                notes.opinion_note_add(actor=self.office, opinion_id=opinion.pk, body=body)


class MeetingServiceTest(OpinionTestCase):
    def record(self, opinion, *, actor=None, **extra):
        fields = {"held_at": timezone.now() - datetime.timedelta(hours=2),
                  "place": "兴建街道人大代表联络站", "outcome": "住建局承诺两周内更换路灯。",
                  "deputies": [self.world.deputies["wang"]],
                  "units": [self.world.units["housing"]], **extra}
        return notes.opinion_meeting_record(actor=actor or self.world.users["station_staff"],
                                            opinion_id=opinion.pk, **fields)

    def test_it_records_participants_and_outcome(self):
        opinion, _ = self.opinion_in("transferred")
        meeting = self.record(opinion, other_participants="社区书记刘某")
        self.assertEqual(list(meeting.deputies.all()), [self.world.deputies["wang"]])
        self.assertEqual(list(meeting.units.all()), [self.world.units["housing"]])
        self.assertTrue(meeting.citizen_attended)
        event = Event.objects.get(action="meeting", object_id=opinion.pk)
        self.assertEqual(event.data["deputies"], [self.world.deputies["wang"].pk])
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, "transferred")

    def test_it_refuses_bad_meetings(self):
        opinion, _ = self.opinion_in("received")
        cases = {
            "future": {"held_at": timezone.now() + datetime.timedelta(days=1)},
            "other congress's deputy": {"deputies": [self.world.deputies["sun"]]},
            "one party only": {"citizen_attended": False, "deputies": [], "units": []},
            "no outcome": {"outcome": " "},
            "no place": {"place": ""},
        }
        for case, extra in cases.items():
            with self.subTest(case), self.assertRaises(ValidationError):
                self.record(opinion, **extra)
        self.assertFalse(OpinionMeeting.objects.exists())

    def test_units_and_outsiders_cannot_record_meetings(self):
        opinion, _ = self.opinion_in("accepted")
        for user in (self.handler, self.world.outsider, self.world.users["leader"]):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.record(opinion, actor=user)


class RecordViewsTest(OpinionTestCase):
    def test_a_note_is_shown_to_staff_and_never_to_the_citizen(self):
        opinion, secret = self.opinion_in("accepted")
        self.client.force_login(self.handler)
        response = self.client.post(detail(opinion), {"action": "note",
                                                      "note-body": "现场查看，灯杆需更换"})
        self.assertRedirects(response, detail(opinion))
        page = self.client.get(detail(opinion))
        self.assertContains(page, "现场查看，灯杆需更换")
        self.client.logout()
        track = self.client.get(reverse("opinions:track", args=[opinion.tracking_number]),
                                {"s": secret})
        self.assertEqual(track.status_code, 200)
        self.assertNotContains(track, "现场查看")
        self.assertNotContains(track, "内部备注")

    def test_an_invalid_meeting_keeps_what_was_typed(self):
        opinion, _ = self.opinion_in("received")
        self.client.force_login(self.world.users["station_staff"])
        response = self.client.post(detail(opinion), {
            "action": "meeting", "meeting-held_at": "2099-01-01T10:00",
            "meeting-place": "联络站会议室", "meeting-citizen_attended": "on",
            "meeting-deputies": [self.world.deputies["wang"].pk],
            "meeting-outcome": "约定下周复查"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "会商时间不能晚于现在", status_code=400)
        self.assertContains(response, "约定下周复查", status_code=400)
        self.assertContains(response, "联络站会议室", status_code=400)
        self.assertFalse(OpinionMeeting.objects.exists())

    def test_a_meeting_is_recorded_and_shown(self):
        opinion, _ = self.opinion_in("received")
        self.client.force_login(self.world.users["station_staff"])
        held = timezone.localtime() - datetime.timedelta(days=1)
        response = self.client.post(detail(opinion), {
            "action": "meeting", "meeting-held_at": held.strftime("%Y-%m-%dT%H:%M"),
            "meeting-place": "联络站会议室", "meeting-citizen_attended": "on",
            "meeting-deputies": [self.world.deputies["wang"].pk],
            "meeting-units": [self.world.units["housing"].pk],
            "meeting-outcome": "住建局当场认领"})
        self.assertRedirects(response, detail(opinion))
        page = self.client.get(detail(opinion))
        self.assertContains(page, "住建局当场认领")
        self.assertContains(page, "王建国代表")

    def test_a_unit_cannot_post_a_meeting(self):
        opinion, _ = self.opinion_in("accepted")
        self.client.force_login(self.handler)
        response = self.client.post(detail(opinion), {"action": "meeting",
                                                      "meeting-place": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(self.client.get(detail(opinion)), "记录三方会商")
