"""Placeholder until the views land."""

urlpatterns: list = []
