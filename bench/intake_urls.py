"""URLs of the intake benchmark's server: the project's, plus the bare view to compare with."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from renda.urls import urlpatterns as renda_urlpatterns

BARE_TABLE = "bench_bare_row"


@csrf_exempt
def bare_insert(request: HttpRequest) -> HttpResponse:
    """The floor: parse the same form, insert one row, answer. No session, no checks."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BARE_TABLE} (title, content) VALUES (%s, %s)",  # noqa: S608
                       [request.POST.get("title", ""), request.POST.get("content", "")])
    return HttpResponse(status=201)


urlpatterns = [path("bench/bare/", bare_insert), *renda_urlpatterns]
