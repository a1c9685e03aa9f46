from django.urls import path

from renda.directory import views

app_name = "directory"

urlpatterns = [
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/<int:pk>/", views.deputy_detail, name="deputy_detail"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/<str:code>/", views.station_detail, name="station_detail"),
]
