from django.urls import path

from renda.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("", views.home, name="home"),
]
