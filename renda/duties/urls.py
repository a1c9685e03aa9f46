"""URLs of duty records, points, duty reports and star ratings; each part's views live in their
own module of `views/`, which lists its own `urlpatterns`."""

from renda.duties.views import records, reports, stars

app_name = "duties"

urlpatterns: list = [
    *records.urlpatterns,
    *reports.urlpatterns,
    *stars.urlpatterns,
]
