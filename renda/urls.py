from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from renda.api import api
from renda.directory import views as directory_views

urlpatterns = [
    path("", directory_views.home, name="home"),
    path("", include("renda.directory.urls")),
    path("accounts/", include("renda.accounts.urls")),
    path("opinions/", include("renda.opinions.urls")),
    path("suggestions/", include("renda.suggestions.urls")),
    path("duties/", include("renda.duties.urls")),
    path("projects/", include("renda.projects.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/popolo.json", include("renda.directory.popolo")),
    path("open311/v2/", include("renda.opinions.open311.urls")),
    path("favicon.ico", RedirectView.as_view(url=static_url("img/favicon.svg"), permanent=True)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Only the public uploads (deputies' photos): citizens' attachments live under the same
    # root and are served by `renda.opinions.attachment_views`, which checks who asks.
    urlpatterns += static(f"{settings.MEDIA_URL}deputies/",
                          document_root=settings.MEDIA_ROOT / "deputies")
