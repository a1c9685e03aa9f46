"""No phone number, ID number or home address of anyone leaves through a public page, feed,
card or export: every public address is fetched anonymously and searched for every secret."""

import io
import re

import pypdf
from django.test import TestCase
from django.urls import reverse

from renda.accounts.models import User
from renda.directory.models import Deputy, Station
from renda.directory.testing import build_world


def secrets() -> list[str]:
    values = []
    for deputy in Deputy.objects.all():
        values += [deputy.mobile, deputy.id_number, deputy.home_address]
        # Also the mobile written with separators, as templates sometimes format numbers.
        if deputy.mobile:
            values.append(f"{deputy.mobile[:3]} {deputy.mobile[3:7]} {deputy.mobile[7:]}")
    values += [user.mobile for user in User.objects.exclude(mobile="")]
    return [value for value in values if value]


class NoPrivateDataTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        User.objects.filter(username="office").update(mobile="13912345678")

    def public_urls(self) -> list[str]:
        urls = ["/", reverse("directory:deputy_list"), reverse("directory:station_list"),
                "/api/popolo.json", "/api/v1/directory/deputies", "/api/v1/directory/stations",
                reverse("directory:deputy_list") + "?q=王"]
        for deputy in Deputy.objects.all():
            for name in ("deputy_detail", "deputy_ical", "deputy_card"):
                urls.append(reverse(f"directory:{name}", args=[deputy.pk]))
        for station in Station.objects.all():
            for name in ("station_detail", "station_ical", "station_card"):
                urls.append(reverse(f"directory:{name}", args=[station.code]))
            urls.append(f"/api/v1/directory/stations/{station.code}")
        return urls

    def body_text(self, response) -> str:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if response["Content-Type"].startswith("application/pdf"):
            reader = pypdf.PdfReader(io.BytesIO(content))
            return "\n".join(page.extract_text() for page in reader.pages)
        return content.decode("utf-8")

    def test_no_public_address_leaks_a_secret(self):
        hidden = secrets()
        self.assertGreaterEqual(len(hidden), 12)
        checked = 0
        for url in self.public_urls():
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            text = self.body_text(response)
            compact = re.sub(r"\s+", "", text)
            for value in hidden:
                self.assertNotIn(value, text, url)
                self.assertNotIn(re.sub(r"\s+", "", value), compact, url)
            checked += 1
        self.assertGreater(checked, 20)
