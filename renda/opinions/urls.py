from django.urls import path

from renda.opinions import (
    attachment_views,
    report_views,
    staff_entry,
    staff_views,
    views,
    wall_views,
)

app_name = "opinions"

urlpatterns = [
    path("new/", views.opinion_new, name="new"),
    path("track/", views.track_lookup, name="lookup"),
    path("track/<str:number>/", views.track, name="track"),
    path("track/<str:number>/attachments/<int:pk>/", attachment_views.track_attachment,
         name="track_attachment"),
    path("staff/new/", staff_entry.staff_entry, name="staff_entry"),
    path("staff/new/<int:pk>/", staff_entry.staff_entry_done, name="staff_entry_done"),
    path("staff/attachments/<int:pk>/", attachment_views.staff_attachment,
         name="staff_attachment"),
    path("staff/<int:pk>/attachments/", attachment_views.staff_attachment_add,
         name="staff_attachment_add"),
    path("wall/", wall_views.wall_list, name="wall"),
    path("wall/<int:pk>/", wall_views.wall_detail, name="wall_detail"),
    path("staff/wall/", wall_views.wall_review, name="wall_review"),
    path("staff/wall/<int:pk>/", wall_views.wall_review_post, name="wall_review_post"),
    path("staff/", staff_views.staff_list, name="staff_list"),
    path("staff/inbox/", staff_views.unit_inbox, name="unit_inbox"),
    path("staff/supervision/", staff_views.supervision, name="supervision"),
    path("staff/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/stats/", report_views.stats_page, name="stats"),
    path("staff/stations/<str:code>/stats/", report_views.stats_page, name="station_stats"),
    path("staff/registers/", report_views.registers_page, name="registers"),
    path("staff/registers/export/", report_views.registers_export, name="registers_export"),
]
