from django.urls import path

from renda.opinions import staff_views, views, wall_views

app_name = "opinions"

urlpatterns = [
    path("new/", views.opinion_new, name="new"),
    path("track/", views.track_lookup, name="lookup"),
    path("track/<str:number>/", views.track, name="track"),
    path("wall/", wall_views.wall_list, name="wall"),
    path("wall/<int:pk>/", wall_views.wall_detail, name="wall_detail"),
    path("staff/wall/", wall_views.wall_review, name="wall_review"),
    path("staff/wall/<int:pk>/", wall_views.wall_review_post, name="wall_review_post"),
    path("staff/", staff_views.staff_list, name="staff_list"),
    path("staff/inbox/", staff_views.unit_inbox, name="unit_inbox"),
    path("staff/supervision/", staff_views.supervision, name="supervision"),
    path("staff/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
]
