"""Sign-in with an optional second factor, and a person's own account page."""

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_ratelimit.decorators import ratelimit

from renda.accounts import selectors, services
from renda.accounts.access import has_perm
from renda.accounts.forms import LoginForm, TokenForm

PENDING_KEY = "renda_pending_user"
NEXT_KEY = "renda_pending_next"


def _next_url(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "accounts:home"


@ratelimit(key="ip", rate="30/m", method="POST", block=True)
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        target = _next_url(request, request.POST.get("next"))
        if services.has_second_factor(user):
            request.session[PENDING_KEY] = user.pk
            request.session[NEXT_KEY] = target
            return redirect("accounts:verify")
        login(request, user)
        return redirect(target)
    return render(request, "accounts/login.html",
                  {"form": form, "next": request.GET.get("next", "")})


@ratelimit(key="ip", rate="10/m", method="POST", block=True)
def verify_view(request: HttpRequest) -> HttpResponse:
    pk = request.session.get(PENDING_KEY)
    user = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None:
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            target = request.session.pop(NEXT_KEY, "accounts:home")
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return redirect(target)
        form.add_error("token", _("验证码不正确或已过期，请重新输入"))
    return render(request, "accounts/verify.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "assignments": selectors.assignments_for(user=user),
        "has_second_factor": services.has_second_factor(user),
        # Permission names, not imports: accounts knows no app's code.
        "opinion_links": {
            "list": has_perm(user, "opinions.view_opinion"),
            "inbox": has_perm(user, "opinions.handle_opinion"),
            "supervision": has_perm(user, "opinions.approve_extension"),
            "entry": has_perm(user, "opinions.triage_opinion"),
            "wall": has_perm(user, "opinions.review_echowallpost"),
        },
        "suggestion_links": {
            "mine": bool(user.deputy_id) and has_perm(user, "suggestions.propose_suggestion"),
            "review": has_perm(user, "suggestions.review_suggestion"),
            "assign": has_perm(user, "suggestions.assign_suggestion"),
            "handle": has_perm(user, "suggestions.handle_suggestion"),
            "evaluate": bool(user.deputy_id) and has_perm(user, "suggestions.evaluate_suggestion"),
            "supervise": has_perm(user, "suggestions.supervise_suggestion"),
            "ledger": has_perm(user, "suggestions.view_commitment"),
            "reviews": has_perm(user, "suggestions.view_thirdpartyreview"),
            "stats": has_perm(user, "suggestions.view_suggestion"),
            "ledger_import": has_perm(user, "suggestions.review_suggestion"),
        },
        "duty_links": {
            "mine": bool(user.deputy_id) and has_perm(user, "duties.record_duty"),
            "records": has_perm(user, "duties.record_duty_for_others"),
            "rankings": has_perm(user, "duties.view_scorecard") and (
                has_perm(user, "duties.record_duty_for_others")
                or has_perm(user, "duties.view_pointsscheme")),
            "scheme": has_perm(user, "duties.manage_points"),
            "reports": has_perm(user, "duties.view_dutyreportround"),
            "my_reports": bool(user.deputy_id) and has_perm(user, "duties.submit_duty_report"),
            "stars": has_perm(user, "duties.view_starround"),
        },
        "project_links": {
            "cycles": has_perm(user, "projects.view_projectcycle") and (
                has_perm(user, "projects.add_proposal") or has_perm(user, "projects.manage_cycle")),
            "propose": has_perm(user, "projects.add_proposal")
            and not has_perm(user, "projects.manage_cycle"),
            "work": has_perm(user, "projects.view_project"),
            "ballots": has_perm(user, "projects.run_ballot") or (
                bool(user.deputy_id) and has_perm(user, "projects.cast_ballot")),
        },
    }
    return render(request, "accounts/home.html", context)


@login_required
@ratelimit(key="user", rate="10/m", method="POST", block=True)
def two_factor_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "remove":
        services.totp_device_remove(user=user)
        messages.success(request, _("已关闭两步验证"))
        return redirect("accounts:home")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_device_confirm(user=user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            messages.success(request, _("两步验证已开启，下次登录时需要输入动态验证码"))
            return redirect("accounts:home")
        form.add_error("token", _("验证码不正确，请确认手机时间准确后重试"))
    device = services.totp_device_start(user=user) if request.method == "GET" else None
    if device is None:
        device = services.pending_device(user=user) or services.totp_device_start(user=user)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(request, "accounts/two_factor.html", {
        "form": form, "qr_svg": qr_svg, "secret": services.device_secret(device),
        "enabled": services.has_second_factor(user),
    })
