from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

login_view = auth_views.LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
