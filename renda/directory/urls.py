from django.urls import path

from renda.directory import feeds_views, views

app_name = "directory"

urlpatterns = [
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/<int:pk>/", views.deputy_detail, name="deputy_detail"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/<str:code>/", views.station_detail, name="station_detail"),
    # QR codes, printable cards and reception-day calendars (feeds_views).
    path("deputies/<int:pk>/qr.<str:fmt>", feeds_views.deputy_qr, name="deputy_qr"),
    path("stations/<str:code>/qr.<str:fmt>", feeds_views.station_qr, name="station_qr"),
    path("deputies/<int:pk>/card.pdf", feeds_views.deputy_card, name="deputy_card"),
    path("stations/<str:code>/card.pdf", feeds_views.station_card, name="station_card"),
    path("deputies/<int:pk>/reception.ics", feeds_views.deputy_ical, name="deputy_ical"),
    path("stations/<str:code>/reception.ics", feeds_views.station_ical, name="station_ical"),
]
