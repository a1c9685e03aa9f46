"""GeoReport v2 at /open311/v2/: each resource in both formats, `services.json` and
`services.xml`."""

from django.urls import re_path

from renda.opinions.open311 import views

app_name = "open311"
FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + FORMAT, views.service_definition,
            name="service"),
    re_path(r"^requests" + FORMAT, views.service_requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.token, name="token"),
]
