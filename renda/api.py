"""The HTTP API: Django Ninja routers per app under /api/v1/, one error shape."""

from ninja import NinjaAPI

api = NinjaAPI(title="Renda API", version="1", urls_namespace="api-v1")
