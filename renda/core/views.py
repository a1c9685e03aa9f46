from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Shown instead of a bare 403 when a form is submitted too often."""
    return render(request, "429.html", status=429)
