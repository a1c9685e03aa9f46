"""URLs of the livelihood projects; each part's views live in their own module of `views/`,
which lists its own `urlpatterns`."""

from renda.projects.views import ballots, cycles, projects, public, survey

app_name = "projects"

urlpatterns: list = [
    *cycles.urlpatterns,
    *ballots.urlpatterns,
    *projects.urlpatterns,
    *survey.urlpatterns,
    *public.urlpatterns,
]
