"""The world of `build_world()` with opinions brought to a state through the real services."""

from django.test import TestCase

from renda.directory.testing import build_world
from renda.opinions import services
from renda.opinions.models import Opinion

MOBILE = "13904510001"


class OpinionTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.office = cls.world.users["office_staff"]
        cls.handler = cls.world.users["unit_handler"]

    def submit(self, *, station: str = "xingjian", deputy: str | None = "wang",
               type_code: str = "help", congress: str = "pingfang", **extra):
        world = self.world
        return services.opinion_submit(
            congress=world.congresses[congress], channel=Opinion.Channel.QR_STATION,
            type_code=type_code, title="小区路灯不亮", content="兴建路 8 号小区路灯坏了一个月。",
            citizen_name="张三", citizen_mobile=MOBILE,
            addressed_station=world.stations[station] if station else None,
            addressed_deputy=world.deputies[deputy] if deputy else None, **extra)

    def opinion_in(self, status: str, *, unit: str = "housing", **submit) -> tuple[Opinion, str]:
        """A fresh item moved to `status` along the main path of the loop."""
        opinion, secret = self.submit(**submit)
        path = ["transferred", "accepted", "replied", "confirmed"]
        steps = {
            "transferred": lambda pk: services.opinion_transfer(
                actor=self.office, opinion_id=pk, unit_id=self.world.units[unit].pk),
            "accepted": lambda pk: services.opinion_accept(actor=self.handler, opinion_id=pk),
            "replied": lambda pk: services.opinion_reply(actor=self.handler, opinion_id=pk,
                                                         body="已更换路灯。"),
            "confirmed": lambda pk: services.opinion_confirm(actor=self.office, opinion_id=pk),
        }
        if status != "received":
            for step in path[: path.index(status) + 1]:
                steps[step](opinion.pk)
        opinion.refresh_from_db()
        self.assertEqual(opinion.status, status)
        return opinion, secret
