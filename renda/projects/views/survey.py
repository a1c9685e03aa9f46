"""The public survey's pages (群众测评): the open surveys, and one page per cycle, made for
phones, where a citizen confirms a mobile number by SMS and rates the projects.

Thin adapters over `renda.projects.survey`; the confirmed number lives in the session as its
digest only, for `survey.CONFIRMATION_VALID`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from renda.core.masking import mask_phone
from renda.core.verification import VerificationThrottled, verification_start
from renda.projects import survey
from renda.projects.forms_projects import SurveyForm, VoterForm
from renda.projects.implementation import survey_choices
from renda.projects.models import ProjectCycle

VOTER_SESSION_KEY = "renda_project_survey"


def survey_list(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/survey/list.html", {"cycles": list(survey.survey_cycles())})


def _voter(request: HttpRequest) -> dict | None:
    """The number this browser confirmed, while the confirmation lasts."""
    voter = request.session.get(VOTER_SESSION_KEY)
    if not voter:
        return None
    if voter.get("until", 0) < timezone.now().timestamp():
        del request.session[VOTER_SESSION_KEY]
        return None
    return voter


@ratelimit(key="ip", rate="20/m", method="POST", block=True)
def survey_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        cycle = survey.survey_cycle_get(pk=pk)
    except ProjectCycle.DoesNotExist:
        raise Http404 from None
    action = request.POST.get("action") if request.method == "POST" else None
    form = VoterForm(request.POST if action in ("send_code", "confirm") else None,
                     label_suffix="")
    voter = _voter(request)
    rated = survey.survey_rated(cycle=cycle, phone_digest=(voter or {}).get("digest", ""))
    projects = survey.survey_projects(cycle=cycle)
    ratings = SurveyForm(request.POST if action == "rate" else None, label_suffix="",
                         projects=projects,
                         choices=survey_choices(cycle=cycle))
    if action == "send_code":
        _send_code(request, form)
    elif action == "confirm" and form.is_valid():
        if _confirm(request, form):
            return redirect(f"{request.path}#projects")
    elif action == "rate" and ratings.is_valid():
        if _rate(request, cycle, ratings, voter):
            return redirect(f"{request.path}#projects")
    elif action == "forget":
        request.session.pop(VOTER_SESSION_KEY, None)
        return redirect(request.path)
    choices = {c["code"]: c["label"] for c in survey_choices(cycle=cycle)}
    return render(request, "projects/survey/page.html", {
        "cycle": cycle, "form": form, "ratings": ratings, "voter": voter,
        "is_open": survey.survey_is_open(cycle),
        "rated": [(p, choices.get(rated[p.pk], rated[p.pk])) for p in projects if p.pk in rated],
        "rated_projects": [p for p in projects if p.pk in rated],
        "unrated": len(projects) - len(rated), "projects": projects},
        status=400 if form.errors or ratings.errors else 200)


def _send_code(request: HttpRequest, form: VoterForm) -> None:
    form.is_valid()
    form.keep_errors_of("mobile")
    if form.errors:
        return
    mobile = form.cleaned_data["mobile"]
    try:
        verification_start(phone=mobile, purpose=survey.PURPOSE)
    except (VerificationThrottled, ValidationError) as error:
        form.add_error("mobile", error.messages)
        return
    messages.success(request, _("验证码已发送至 %(mobile)s，10 分钟内有效。")
                     % {"mobile": mask_phone(mobile)})


def _confirm(request: HttpRequest, form: VoterForm) -> bool:
    mobile = form.cleaned_data["mobile"]
    try:
        digest = survey.survey_voter_confirm(phone=mobile, code=form.cleaned_data["code"])
    except ValidationError as error:
        form.add_error("code", error.messages)
        return False
    until = timezone.now() + survey.CONFIRMATION_VALID
    request.session[VOTER_SESSION_KEY] = {"digest": digest, "masked": mask_phone(mobile),
                                          "until": until.timestamp()}
    messages.success(request, _("手机号码 %(mobile)s 已验证，请对下列项目进行评价。")
                     % {"mobile": mask_phone(mobile)})
    return True


def _rate(request: HttpRequest, cycle: ProjectCycle, form: SurveyForm,
          voter: dict | None) -> bool:
    try:
        saved = survey.survey_ratings_cast(cycle_id=cycle.pk,
                                           phone_digest=(voter or {}).get("digest", ""),
                                           ratings=form.ratings(), comments=form.comments())
    except ValidationError as error:
        form.add_error(None, error.messages)
        return False
    messages.success(request, _("评价已提交，共评价 %(count)d 个项目，感谢参与。")
                     % {"count": len(saved)})
    return True


urlpatterns = [
    path("survey/", survey_list, name="surveys"),
    path("survey/<int:pk>/", survey_page, name="survey"),
]
