import io
import xml.etree.ElementTree as ET

import zxingcpp
from django.test import TestCase, override_settings
from django.urls import reverse
from PIL import Image

from renda.directory.testing import build_world

SITE = "https://renda.example.gov.cn"


@override_settings(SITE_URL=SITE)
class QrTest(TestCase):
    def setUp(self):
        self.world = build_world()
        self.wang = self.world.deputies["wang"]
        self.station = self.world.stations["xingjian"]

    def decode(self, response) -> str:
        image = Image.open(io.BytesIO(response.content))
        [barcode] = zxingcpp.read_barcodes(image)
        return barcode.text

    def test_it_encodes_the_absolute_deputy_page_url(self):
        response = self.client.get(reverse("directory:deputy_qr", args=[self.wang.pk, "png"]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(self.decode(response), f"{SITE}/deputies/{self.wang.pk}/")

    def test_it_encodes_the_absolute_station_page_url(self):
        response = self.client.get(reverse("directory:station_qr", args=["PF-XJ-01", "png"]))
        self.assertEqual(self.decode(response), f"{SITE}/stations/PF-XJ-01/")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="station-PF-XJ-01-qr.png"'
        )

    def test_it_serves_svg(self):
        response = self.client.get(reverse("directory:deputy_qr", args=[self.wang.pk, "svg"]))
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        root = ET.fromstring(response.content)  # noqa: S314 (our own output)
        self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")

    def test_it_sets_cache_and_download_headers(self):
        response = self.client.get(reverse("directory:deputy_qr", args=[self.wang.pk, "png"]))
        self.assertEqual(response["Cache-Control"], "public, max-age=86400")
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="deputy-{self.wang.pk}-qr.png"',
        )

    def test_it_refuses_other_formats(self):
        response = self.client.get(f"/deputies/{self.wang.pk}/qr.gif")
        self.assertEqual(response.status_code, 404)
        response = self.client.get("/stations/PF-XJ-01/qr.jpg")
        self.assertEqual(response.status_code, 404)

    def test_it_hides_deputies_not_in_the_public_directory(self):
        self.wang.is_public = False
        self.wang.save()
        response = self.client.get(reverse("directory:deputy_qr", args=[self.wang.pk, "png"]))
        self.assertEqual(response.status_code, 404)

    def test_it_hides_deputies_without_an_active_mandate(self):
        self.wang.mandates.update(status="ended")
        response = self.client.get(reverse("directory:deputy_qr", args=[self.wang.pk, "svg"]))
        self.assertEqual(response.status_code, 404)

    def test_it_hides_inactive_stations(self):
        self.station.is_active = False
        self.station.save()
        response = self.client.get(reverse("directory:station_qr", args=["PF-XJ-01", "svg"]))
        self.assertEqual(response.status_code, 404)

    def test_it_keeps_the_station_page_route(self):
        self.assertEqual(
            reverse("directory:station_detail", args=["PF-XJ-01"]), "/stations/PF-XJ-01/"
        )
        response = self.client.get("/stations/PF-XJ-01/")
        self.assertEqual(response.status_code, 200)
