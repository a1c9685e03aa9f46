"""URLs of the suggestions loop; each stage's views live in their own module of `views/`."""

from django.urls import path  # noqa: F401

app_name = "suggestions"

urlpatterns: list = [
]
