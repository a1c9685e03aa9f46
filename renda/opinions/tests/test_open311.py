"""The Open311 GeoReport v2 endpoints: every resource in JSON and XML, checked against JSON
Schemas written from the spec's text and against its XML element names; every refusal in the
spec's error format."""

import datetime
from unittest import mock

from django.test import Client
from django.utils import timezone

from renda.core.models import Event
from renda.opinions import services
from renda.opinions.models import Opinion
from renda.opinions.open311 import views
from renda.opinions.tests.open311 import (
    BASE,
    PINGFANG,
    REQUEST_FIELDS,
    SERVICE_FIELDS,
    SONGBEI,
    Open311TestCase,
    assert_valid,
    children,
    xml_root,
)

TYPE_CODES = ["consultation", "help", "proposal", "complaint", "report"]


class DiscoveryTest(Open311TestCase):
    def test_it_describes_the_endpoint_in_json(self):
        response = self.client.get(f"{BASE}/discovery.json")
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        data = response.json()
        assert_valid(data, "discovery")
        self.assertEqual(data["endpoints"][0]["url"], f"http://testserver{BASE}")
        self.assertEqual(data["endpoints"][0]["formats"], ["text/xml", "application/json"])

    def test_it_describes_the_endpoint_in_xml(self):
        root = xml_root(self.client.get(f"{BASE}/discovery.xml"), "discovery")
        self.assertEqual(children(root), {"changeset", "contact", "key_service", "endpoints"})
        endpoint = root.find("endpoints/endpoint")
        self.assertEqual(children(endpoint),
                         {"specification", "url", "changeset", "type", "formats"})
        self.assertEqual([f.text for f in endpoint.findall("formats/format")],
                         ["text/xml", "application/json"])


class ServiceListTest(Open311TestCase):
    def test_it_lists_the_congress_opinion_types(self):
        data = self.get("services.json").json()
        assert_valid(data, "services")
        self.assertEqual([s["service_code"] for s in data], TYPE_CODES)
        help_ = data[1]
        self.assertEqual((help_["service_name"], help_["type"], help_["metadata"]),
                         ("求助", "realtime", True))
        self.assertIn("10 个工作日", help_["description"])

    def test_it_lists_them_in_xml(self):
        root = xml_root(self.get("services.xml"), "services")
        services_ = root.findall("service")
        self.assertEqual([s.findtext("service_code") for s in services_], TYPE_CODES)
        self.assertEqual(children(services_[0]), SERVICE_FIELDS)
        self.assertEqual(services_[0].findtext("metadata"), "true")

    def test_it_needs_the_jurisdiction_when_it_serves_several(self):
        response = self.client.get(f"{BASE}/services.json")
        self.assertEqual(response.status_code, 400)
        assert_valid(response.json(), "errors")
        self.assertIn("jurisdiction_id", response.json()[0]["description"])

    def test_an_unknown_jurisdiction_is_not_found(self):
        for fmt in ("json", "xml"):
            response = self.get(f"services.{fmt}", jurisdiction_id="sfgov.org")
            self.assertEqual(response.status_code, 404)
        root = xml_root(response, "errors")
        self.assertEqual(root.findtext("error/code"), "404")
        self.assertIn("sfgov.org", root.findtext("error/description"))

    def test_an_unknown_format_is_not_a_resource(self):
        self.assertEqual(self.get("services.html").status_code, 404)

    def test_other_methods_are_refused_in_the_error_format(self):
        response = self.client.put(f"{BASE}/services.json?jurisdiction_id={PINGFANG}")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "GET, HEAD")
        assert_valid(response.json(), "errors")


class ServiceDefinitionTest(Open311TestCase):
    def test_it_offers_the_congress_stations(self):
        data = self.get("services/help.json").json()
        assert_valid(data, "service_definition")
        (station,) = data["attributes"]
        self.assertEqual((station["code"], station["datatype"], station["required"]),
                         ("station", "singlevaluelist", False))
        self.assertEqual([v["key"] for v in station["values"]], ["PF-XJ-01", "PF-YX-01"])
        songbei = self.get("services/help.json", jurisdiction_id=SONGBEI).json()
        self.assertEqual([v["key"] for v in songbei["attributes"][0]["values"]], ["SB-SB-01"])

    def test_it_defines_the_service_in_xml(self):
        root = xml_root(self.get("services/help.xml"), "service_definition")
        self.assertEqual(root.findtext("service_code"), "help")
        attribute = root.find("attributes/attribute")
        self.assertEqual(children(attribute), {"variable", "code", "datatype", "required",
                                               "datatype_description", "order", "description",
                                               "values"})
        self.assertEqual([v.findtext("key") for v in attribute.findall("values/value")],
                         ["PF-XJ-01", "PF-YX-01"])

    def test_an_unknown_service_code_is_not_found(self):
        response = self.get("services/pothole.json")
        self.assertEqual(response.status_code, 404)
        assert_valid(response.json(), "errors")
        xml_root(self.get("services/pothole.xml"), "errors")


class PostRequestTest(Open311TestCase):
    def test_it_receives_an_opinion_on_the_api_channel(self):
        response = self.post()
        self.assertEqual(response.status_code, 200)
        data = response.json()
        assert_valid(data, "request_post")
        opinion = Opinion.objects.get(tracking_number=data[0]["service_request_id"])
        self.assertEqual((opinion.channel, opinion.api_client, opinion.congress),
                         (Opinion.Channel.API, self.app, self.world.congresses["pingfang"]))
        self.assertEqual((opinion.title, opinion.content),
                         ("友协大街路灯不亮", "友协大街路灯不亮\n晚上很黑。"))
        self.assertEqual((opinion.citizen_name, opinion.citizen_mobile, opinion.is_anonymous),
                         ("刘桂英", "13904519876", False))
        self.assertEqual((opinion.address, str(opinion.latitude), str(opinion.longitude)),
                         ("平房区友协大街 10 号", "45.600512", "126.645218"))
        event = Event.objects.get(object_id=opinion.pk, action="submit")
        self.assertEqual(event.data, {"channel": "api", "api_client": self.app.pk})
        self.app.refresh_from_db()
        self.assertIsNotNone(self.app.last_used_at)

    def test_the_notice_carries_the_citizen_tracking_link_once(self):
        data = self.post().json()[0]
        self.assertIn("10 个工作日", data["service_notice"])
        link = data["service_notice"].rsplit("：", 1)[1]
        number, secret = data["service_request_id"], link.split("?s=")[1]
        self.assertIsNotNone(services.opinion_get_by_secret(tracking_number=number,
                                                            secret=secret))

    def test_it_answers_in_xml(self):
        root = xml_root(self.post("xml", account_id="u-42"), "service_requests")
        request = root.find("request")
        self.assertEqual(children(request), {"service_request_id", "service_notice", "account_id"})
        self.assertEqual(request.findtext("account_id"), "u-42")
        self.assertTrue(Opinion.objects.filter(
            tracking_number=request.findtext("service_request_id")).exists())

    def test_one_location_is_enough(self):
        for location in ({"address_string": "平房区兴建路 8 号"},
                         {"lat": "45.6", "long": "126.6"},
                         {"address_id": "230108001000"}):
            params = {"lat": None, "long": None, "address_string": None, **location}
            self.assertEqual(self.post(**params).status_code, 200, location)
        self.assertEqual(Opinion.objects.filter(area__code="230108001000").count(), 1)

    def test_the_station_attribute_addresses_the_station(self):
        response = self.post(**{"attribute[station]": "PF-XJ-01", "first_name": None,
                                "last_name": None, "phone": None})
        opinion = Opinion.objects.get(tracking_number=response.json()[0]["service_request_id"])
        self.assertEqual(opinion.addressed_station, self.world.stations["xingjian"])
        self.assertTrue(opinion.is_anonymous)

    def test_a_mobile_number_with_the_country_code_is_kept_without_it(self):
        response = self.post(phone="+86 139-0451-9876")
        opinion = Opinion.objects.get(tracking_number=response.json()[0]["service_request_id"])
        self.assertEqual(opinion.citizen_mobile, "13904519876")

    def test_a_post_passes_without_a_csrf_token(self):
        self.client = Client(enforce_csrf_checks=True)
        self.assertEqual(self.post().status_code, 200)

    def test_a_retried_post_with_the_same_idempotency_key_gives_the_same_item(self):
        headers = {"Idempotency-Key": "app-request-1"}
        first, again = self.post(headers=headers), self.post(headers=headers)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(first.json()[0]["service_request_id"],
                         again.json()[0]["service_request_id"])
        self.assertNotIn("?s=", again.json()[0]["service_notice"])
        self.assertEqual(Opinion.objects.filter(channel=Opinion.Channel.API).count(), 1)

    def test_a_retried_post_without_a_key_is_a_second_item(self):
        self.assertEqual([self.post().status_code, self.post().status_code], [200, 200])
        self.assertEqual(Opinion.objects.filter(channel=Opinion.Channel.API).count(), 2)

    def test_posts_are_rate_limited_per_key(self):
        with mock.patch.object(views, "POST_RATE_PER_KEY", "2/m"):
            codes = [self.post().status_code for _ in range(3)]
            response = self.post("xml")
        self.assertEqual(codes, [200, 200, 429])
        self.assertEqual(xml_root(response, "errors").findtext("error/code"), "429")


class PostRefusalTest(Open311TestCase):
    """Each refusal: its HTTP status, the spec's error list, and no item created."""

    def assert_refused(self, status: int, text: str, **params):
        for fmt in ("json", "xml"):
            response = self.post(fmt, **params)
            self.assertEqual(response.status_code, status, response.content.decode())
            if fmt == "json":
                assert_valid(response.json(), "errors")
                descriptions = " ".join(e["description"] for e in response.json())
            else:
                root = xml_root(response, "errors")
                self.assertEqual(root.findtext("error/code"), str(status))
                descriptions = " ".join(e.text for e in root.iter("description"))
            self.assertIn(text, descriptions)
        self.assertFalse(Opinion.objects.filter(channel=Opinion.Channel.API).exists())

    def test_a_missing_key(self):
        self.assert_refused(403, "缺少 api_key", key="")

    def test_a_wrong_key(self):
        self.assert_refused(403, "api_key 无效", key="r311-not-a-key")

    def test_a_retired_key(self):
        self.assert_refused(403, "已停用", key=self.retired_key)

    def test_a_key_of_another_jurisdiction(self):
        self.assert_refused(403, "jurisdiction_id", key=self.songbei_key)

    def test_an_unknown_jurisdiction(self):
        self.assert_refused(404, "jurisdiction_id", jurisdiction_id="city.gov")

    def test_an_unknown_service_code(self):
        self.assert_refused(404, "pothole", service_code="pothole")

    def test_a_missing_service_code(self):
        self.assert_refused(400, "service_code", service_code="")

    def test_a_missing_location(self):
        self.assert_refused(400, "须提供位置", lat=None, long=None, address_string=None)

    def test_half_a_coordinate(self):
        self.assert_refused(400, "lat 和 long 须同时提供", long=None)

    def test_coordinates_out_of_range(self):
        self.assert_refused(400, "lat: ", lat="145.6")

    def test_an_address_id_outside_the_congress_area(self):
        self.assert_refused(400, "address_id: ", address_id="230109001000")

    def test_a_station_of_another_congress(self):
        self.assert_refused(400, "attribute[station]: ", **{"attribute[station]": "SB-SB-01"})

    def test_an_empty_description(self):
        self.assert_refused(400, "description: ", description="  ")

    def test_a_description_over_4000_characters(self):
        self.assert_refused(400, "description: 最多 4000 个字", description="路" * 4001)

    def test_a_phone_that_is_not_a_mobile_number(self):
        self.assert_refused(400, "phone: ", phone="0451-86801234")


class RequestListTest(Open311TestCase):
    def posted(self, **params) -> Opinion:
        number = self.post(**params).json()[0]["service_request_id"]
        return Opinion.objects.get(tracking_number=number)

    def test_it_lists_the_recent_requests_of_the_jurisdiction(self):
        mine = self.posted()
        web, _secret = self.submit()
        self.submit(congress="songbei", station="songbei", deputy=None)
        data = self.get("requests.json").json()
        assert_valid(data, "requests")
        self.assertEqual([r["service_request_id"] for r in data],
                         [web.tracking_number, mine.tracking_number])
        self.assertEqual(data[0]["status"], "open")
        self.assertEqual((data[0]["service_code"], data[0]["service_name"]), ("help", "求助"))

    def test_it_lists_them_in_xml(self):
        self.posted()
        root = xml_root(self.get("requests.xml"), "service_requests")
        (request,) = root.findall("request")
        self.assertLessEqual(children(request), REQUEST_FIELDS)
        self.assertEqual(request.findtext("status"), "open")

    def test_it_filters_by_id_code_and_status(self):
        first, second = self.posted(), self.posted(service_code="complaint")
        closed, _secret = self.opinion_in("confirmed")
        ids = self.get("requests.json", service_request_id=f"{first.tracking_number},NOPE")
        self.assertEqual([r["service_request_id"] for r in ids.json()], [first.tracking_number])
        codes = self.get("requests.json", service_code="complaint,report").json()
        self.assertEqual([r["service_request_id"] for r in codes], [second.tracking_number])
        done = self.get("requests.json", status="closed").json()
        self.assertEqual([(r["service_request_id"], r["status"]) for r in done],
                         [(closed.tracking_number, "closed")])
        both = self.get("requests.json", status="open,closed").json()
        self.assertEqual(len(both), 3)

    def test_it_keeps_to_90_days_unless_told_otherwise(self):
        old = self.posted()
        long_ago = timezone.now() - datetime.timedelta(days=120)
        Opinion.objects.filter(pk=old.pk).update(created_at=long_ago)
        self.assertEqual(self.get("requests.json").json(), [])
        start = (long_ago - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        found = self.get("requests.json", start_date=start).json()
        self.assertEqual([r["service_request_id"] for r in found], [old.tracking_number])
        by_id = self.get("requests.json", service_request_id=old.tracking_number).json()
        self.assertEqual(len(by_id), 1)

    def test_it_accepts_offsets_and_beijing_dates(self):
        self.posted()
        today = timezone.localdate()
        for start, end in [(f"{today}T00:00:00+08:00", f"{today}T23:59:59+08:00"),
                           (str(today), f"{today + datetime.timedelta(days=1)}")]:
            found = self.get("requests.json", start_date=start, end_date=end).json()
            self.assertEqual(len(found), 1, (start, end))

    def test_bad_arguments_are_refused(self):
        for params in ({"start_date": "yesterday"}, {"end_date": "2026-13-01T00:00:00Z"},
                       {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
                       {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
                       {"start_date": "9999-12-31T00:00:00Z"}, {"end_date": "0001-01-01"},
                       {"status": "pending"},
                       {"service_request_id": ",".join(str(n) for n in range(101))}):
            for fmt in ("json", "xml"):
                response = self.get(f"requests.{fmt}", **params)
                self.assertEqual(response.status_code, 400, params)
            assert_valid(self.get("requests.json", **params).json(), "errors")

    def test_a_wrong_key_on_a_read_is_refused(self):
        response = self.get("requests.json", api_key="r311-wrong")
        self.assertEqual(response.status_code, 403)
        assert_valid(response.json(), "errors")

    def test_the_key_stands_for_the_jurisdiction(self):
        self.posted()
        data = self.client.get(f"{BASE}/requests.json", {"api_key": self.key}).json()
        self.assertEqual(len(data), 1)

    def test_the_list_runs_a_fixed_number_of_queries(self):
        self.posted()
        with self.assertNumQueries(3):  # jurisdiction, requests, the congress's types
            self.get("requests.json")
        for _ in range(4):
            self.posted(**{"attribute[station]": "PF-YX-01"})
        with self.assertNumQueries(3):
            self.assertEqual(len(self.get("requests.json").json()), 5)
        # With a key: the key, noting its use, the requests, their final replies, the types.
        with self.assertNumQueries(5):
            self.get("requests.json", api_key=self.key)


class RequestDetailTest(Open311TestCase):
    def test_it_shows_one_request_in_both_formats(self):
        opinion, _secret = self.opinion_in("transferred")
        data = self.get(f"requests/{opinion.tracking_number}.json").json()
        assert_valid(data, "requests")
        (item,) = data
        self.assertEqual((item["status"], item["agency_responsible"]),
                         ("open", "平房区住房和城乡建设局"))
        self.assertEqual(item["expected_datetime"],
                         timezone.localtime(opinion.due_at).isoformat(timespec="seconds"))
        self.assertTrue(item["requested_datetime"].endswith("+08:00"))
        root = xml_root(self.get(f"requests/{opinion.tracking_number}.xml"), "service_requests")
        self.assertEqual(root.findtext("request/service_request_id"), opinion.tracking_number)
        self.assertEqual(root.findtext("request/agency_responsible"), "平房区住房和城乡建设局")

    def test_the_update_time_is_the_last_step(self):
        opinion, _secret = self.opinion_in("accepted")
        last = Event.objects.filter(object_id=opinion.pk, action="accept").get().created_at
        item = self.get(f"requests/{opinion.tracking_number}.json").json()[0]
        self.assertEqual(item["updated_datetime"],
                         timezone.localtime(last).isoformat(timespec="seconds"))

    def test_an_unknown_or_foreign_id_is_not_found(self):
        opinion, _secret = self.submit()
        for path, jurisdiction in (("requests/PF2026-999999", PINGFANG),
                                   (f"requests/{opinion.tracking_number}", SONGBEI)):
            response = self.get(f"{path}.json", jurisdiction_id=jurisdiction)
            self.assertEqual(response.status_code, 404)
            assert_valid(response.json(), "errors")
            xml_root(self.get(f"{path}.xml", jurisdiction_id=jurisdiction), "errors")


class TokenTest(Open311TestCase):
    def test_a_token_is_the_request_id(self):
        opinion, _secret = self.submit()
        data = self.get(f"tokens/{opinion.tracking_number}.json").json()
        assert_valid(data, "token")
        self.assertEqual(data, [{"service_request_id": opinion.tracking_number,
                                 "token": opinion.tracking_number}])
        root = xml_root(self.get(f"tokens/{opinion.tracking_number}.xml"), "service_requests")
        self.assertEqual(children(root.find("request")), {"service_request_id", "token"})

    def test_an_unknown_token_is_not_found(self):
        response = self.get("tokens/12345.json")
        self.assertEqual(response.status_code, 404)
        assert_valid(response.json(), "errors")


class PrivacyTest(Open311TestCase):
    """What the public, another client and the posting client read of a posted item."""

    PRIVATE = ("description", "address", "address_id", "lat", "long")

    def setUp(self):
        number = self.post(address_id="230108001000").json()[0]["service_request_id"]
        self.opinion = Opinion.objects.get(tracking_number=number)

    def bodies(self, **params) -> list[bytes]:
        number = self.opinion.tracking_number
        return [self.get(path, **params).content for path in (
            "requests.json", "requests.xml", f"requests/{number}.json", f"requests/{number}.xml")]

    def test_the_public_and_other_clients_read_no_description_nor_place(self):
        for params in ({}, {"api_key": self.other_key}):
            item = self.get("requests.json", **params).json()[0]
            self.assertFalse(set(self.PRIVATE) & set(item), params)
            for body in self.bodies(**params):
                text = body.decode()
                for private in ("刘", "桂英", "13904519876", "9876", "路灯", "友协大街",
                                "45.600512", "230108001000", "<description>", "<lat>"):
                    self.assertNotIn(private, text, (params, private))

    def test_the_posting_client_reads_what_it_sent_but_no_name_nor_phone(self):
        item = self.get("requests.json", api_key=self.key).json()[0]
        self.assertEqual((item["description"], item["address"], item["address_id"]),
                         ("友协大街路灯不亮\n晚上很黑。", "平房区友协大街 10 号", "230108001000"))
        self.assertEqual((item["lat"], item["long"]), (45.600512, 126.645218))
        for body in self.bodies(api_key=self.key):
            for private in ("刘桂英", "13904519876", "桂英"):
                self.assertNotIn(private, body.decode())

    def test_only_the_posting_client_reads_the_unit_reply(self):
        self.move_to_confirmed()
        mine = self.get("requests.json", api_key=self.key).json()[0]
        public = self.get("requests.json").json()[0]
        self.assertEqual((mine["status"], mine["status_notes"]), ("closed", "已更换路灯。"))
        self.assertEqual((public["status"], public["status_notes"]), ("closed", "已反馈"))

    def test_the_public_reads_the_result_published_on_the_echo_wall(self):
        from renda.opinions.models import EchoWallPost

        self.move_to_confirmed()
        EchoWallPost.objects.create(opinion=self.opinion, title="路灯", content="路灯不亮",
                                    reply="已修复。", status=EchoWallPost.Status.PUBLISHED)
        self.assertEqual(self.get("requests.json").json()[0]["status_notes"], "已修复。")

    def test_an_answer_at_triage_is_for_the_posting_client(self):
        services.opinion_triage(actor=self.office, opinion_id=self.opinion.pk,
                                outcome="answer_on_spot", note="已电话告知刘女士维修电话。")
        mine = self.get("requests.json", api_key=self.key).json()[0]
        public = self.get("requests.json").json()[0]
        self.assertEqual(mine["status_notes"], "已电话告知刘女士维修电话。")
        self.assertEqual((public["status"], public["status_notes"]), ("closed", "当场答复"))

    def test_a_decline_shows_its_reason(self):
        services.opinion_triage(actor=self.office, opinion_id=self.opinion.pk,
                                outcome="decline", reason="duplicate", note="与 12 号重复")
        public = self.get("requests.json").json()[0]
        self.assertEqual(public["status_notes"], "不予受理：重复反映")

    def move_to_confirmed(self):
        pk, world = self.opinion.pk, self.world
        services.opinion_transfer(actor=self.office, opinion_id=pk,
                                  unit_id=world.units["housing"].pk)
        services.opinion_accept(actor=self.handler, opinion_id=pk)
        services.opinion_reply(actor=self.handler, opinion_id=pk, body="已更换路灯。")
        services.opinion_confirm(actor=self.office, opinion_id=pk)
