"""Pages of star ratings (星级联络站, 明星代表): the office's rounds, nominations, the
reviewers' scoring, the panel's decision, the public vote page (no account: a mobile number
confirmed by SMS) and the public honour pages.

Thin adapters: reads through the selectors of `renda.duties.stars`, writes through its
services, which check permissions and states again. A failed form comes back with what was
typed and the reason.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from renda.accounts.access import has_perm
from renda.core.masking import mask_phone
from renda.core.verification import VerificationThrottled, verification_start
from renda.core.workflow import TransitionNotAllowed
from renda.directory.selectors import setting_value
from renda.duties import stars
from renda.duties.forms_stars import (
    DecisionForm,
    NominationForm,
    ReviewForm,
    StarRoundEditForm,
    StarRoundForm,
    VoterForm,
    WithdrawForm,
)
from renda.duties.models import StarCandidate, StarRound
from renda.duties.permissions import DECIDE_STAR, MANAGE_STARS, NOMINATE, REVIEW_STAR
from renda.duties.workflow import STAR_ROUND

S = StarRound.Status
VOTER_SESSION_KEY = "renda_star_voter"
STAR_PERMS = (MANAGE_STARS, NOMINATE, REVIEW_STAR, DECIDE_STAR)


def _round_or_404(request: HttpRequest, pk: int) -> StarRound:
    try:
        return stars.star_round_get_for(user=request.user, pk=pk)
    except StarRound.DoesNotExist:
        raise Http404 from None


# --- The office's rounds ------------------------------------------------------------------------

@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    if not any(has_perm(request.user, perm) for perm in STAR_PERMS):
        raise PermissionDenied
    rounds = list(stars.star_rounds_for(user=request.user))
    can_create = stars.manageable_congresses(user=request.user).exists()
    return render(request, "duties/stars/round_list.html",
                  {"rounds": rounds, "can_create": can_create})


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    congresses = stars.manageable_congresses(user=request.user)
    if not congresses.exists():
        raise PermissionDenied
    form = StarRoundForm(request.POST or None, congresses=congresses)
    if request.method == "POST" and form.is_valid():
        try:
            star_round = stars.star_round_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("已建立“%(title)s”，现在可以推荐和申报。")
                             % {"title": star_round.title})
            return redirect("duties:star_round", pk=star_round.pk)
    return render(request, "duties/stars/round_form.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    star_round = _round_or_404(request, pk)
    user = request.user
    sees_all = stars.star_round_sees_all(user=user, star_round=star_round)
    criteria = star_round.criteria or _criteria_preview(star_round)
    can_manage = has_perm(user, MANAGE_STARS, star_round)
    candidates = list(stars.candidates_for(user=user, star_round=star_round))
    for candidate in candidates:
        candidate.can_withdraw = (
            star_round.status == S.NOMINATING and not candidate.is_withdrawn
            and (can_manage or has_perm(user, NOMINATE, candidate)))
    context = {
        "round": star_round, "sees_all": sees_all, "candidates": candidates,
        "criteria": criteria, "criteria_max": stars.criteria_max(criteria),
        "actions": STAR_ROUND.available(star_round, user),
        "can_manage": can_manage,
        "can_nominate": star_round.status == S.NOMINATING and _may_nominate(user, star_round),
        "can_review": star_round.status == S.REVIEWING and has_perm(user, REVIEW_STAR,
                                                                    star_round),
        "can_decide": star_round.status == S.DECIDING and has_perm(user, DECIDE_STAR,
                                                                   star_round),
        "vote_url": request.build_absolute_uri(reverse("duties:star_vote_page",
                                                       args=[star_round.pk])),
    }
    return render(request, "duties/stars/round_detail.html", context)


def _criteria_preview(star_round: StarRound) -> list[dict]:
    """Before review starts, the criteria the round will copy from the settings."""
    try:
        return stars.criteria_of(star_round, timezone.localdate())
    except ValidationError:
        return []


def _may_nominate(user: Any, star_round: StarRound) -> bool:
    if not has_perm(user, NOMINATE):
        return False
    return (stars.nominable_stations(user=user, star_round=star_round).exists()
            or stars.nominable_deputies(user=user, star_round=star_round).exists())


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    star_round = _round_or_404(request, pk)
    if not has_perm(request.user, MANAGE_STARS, star_round):
        raise PermissionDenied
    initial = {"title": star_round.title, "vote_opens_on": star_round.vote_opens_on,
               "vote_closes_on": star_round.vote_closes_on}
    form = StarRoundEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            stars.star_round_update(actor=request.user, round_id=star_round.pk,
                                    **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("duties:star_round", pk=star_round.pk)
    return render(request, "duties/stars/round_edit.html", {"form": form, "round": star_round})


@require_POST
@login_required
def round_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    star_round = _round_or_404(request, pk)
    try:
        step = STAR_ROUND.get(action)
    except KeyError:
        raise Http404 from None
    try:
        stars.star_round_advance(actor=request.user, round_id=star_round.pk, action=action)
    except (ValidationError, TransitionNotAllowed) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(request, _("已完成“%(label)s”。") % {"label": step.label})
    return redirect("duties:star_round", pk=star_round.pk)


# --- Nomination ---------------------------------------------------------------------------------

@login_required
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    star_round = _round_or_404(request, pk)
    if star_round.kind == StarRound.Kind.STATION:
        subjects, label = stars.nominable_stations(user=request.user, star_round=star_round), \
            _("联络站")
    else:
        subjects, label = stars.nominable_deputies(user=request.user, star_round=star_round), \
            _("代表")
    if star_round.status != S.NOMINATING:
        messages.error(request, _("申报已经结束，不能再推荐或申报"))
        return redirect("duties:star_round", pk=star_round.pk)
    if not subjects.exists():
        raise PermissionDenied
    form = NominationForm(request.POST or None, subjects=subjects, label=label)
    if request.method == "POST" and form.is_valid():
        subject = form.cleaned_data["subject"]
        key = "station" if star_round.kind == StarRound.Kind.STATION else "deputy"
        try:
            stars.star_candidate_nominate(actor=request.user, round_id=star_round.pk,
                                          statement=form.cleaned_data["statement"],
                                          **{key: subject})
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("已提交%(name)s的申报。") % {"name": subject})
            return redirect("duties:star_round", pk=star_round.pk)
    return render(request, "duties/stars/nominate.html", {"form": form, "round": star_round})


@require_POST
@login_required
def candidate_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        candidate = stars.star_candidate_get_for(user=request.user, pk=pk)
    except StarCandidate.DoesNotExist:
        raise Http404 from None
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        stars.star_candidate_withdraw(actor=request.user, candidate_id=candidate.pk,
                                      reason=reason)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤回%(name)s的申报。") % {"name": candidate})
    return redirect("duties:star_round", pk=candidate.round_id)


# --- Review -------------------------------------------------------------------------------------

@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's sheet: every candidate of the round, each with its own form."""
    star_round = _round_or_404(request, pk)
    if not has_perm(request.user, REVIEW_STAR, star_round):
        raise PermissionDenied
    return _review_page(request, star_round)


def _review_page(request: HttpRequest, star_round: StarRound, failed: ReviewForm | None = None,
                 failed_pk: int | None = None) -> HttpResponse:
    candidates = stars.review_sheet(user=request.user, star_round=star_round)
    for candidate in candidates:
        if candidate.pk == failed_pk:
            candidate.form = failed
            continue
        initial = {f"score_{code}": value for code, value in candidate.my_scores.items()}
        initial["comment"] = candidate.my_comment
        candidate.form = ReviewForm(criteria=star_round.criteria, initial=initial,
                                    prefix=f"c{candidate.pk}")
    done = sum(1 for c in candidates if c.my_total is not None)
    return render(request, "duties/stars/review.html", {
        "round": star_round, "candidates": candidates, "done": done,
        "open": star_round.status == S.REVIEWING,
        "criteria_max": stars.criteria_max(star_round.criteria)},
        status=400 if failed else 200)


@require_POST
@login_required
def review_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        candidate = stars.star_candidate_get_for(user=request.user, pk=pk)
    except StarCandidate.DoesNotExist:
        raise Http404 from None
    star_round = candidate.round
    if not has_perm(request.user, REVIEW_STAR, star_round):
        raise PermissionDenied
    form = ReviewForm(request.POST, criteria=star_round.criteria, prefix=f"c{candidate.pk}")
    if form.is_valid():
        try:
            stars.star_review_save(actor=request.user, candidate_id=candidate.pk,
                                   scores=form.scores(), comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("已保存对%(name)s的评分。") % {"name": candidate})
            return redirect(f"{reverse('duties:star_review', args=[star_round.pk])}"
                            f"#candidate-{candidate.pk}")
    return _review_page(request, star_round, failed=form, failed_pk=candidate.pk)


# --- The panel ----------------------------------------------------------------------------------

@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    star_round = _round_or_404(request, pk)
    if not has_perm(request.user, DECIDE_STAR, star_round):
        raise PermissionDenied
    candidates = stars.decision_sheet(star_round=star_round)
    post = request.POST if request.method == "POST" else None
    for candidate in candidates:
        initial = {"stars": candidate.suggested if candidate.stars is None else candidate.stars,
                   "note": candidate.decision_note}
        candidate.form = DecisionForm(post, initial=initial, prefix=f"c{candidate.pk}")
    if post is not None and all(c.form.is_valid() for c in candidates):
        decisions = {c.pk: (c.form.cleaned_data["stars"], c.form.cleaned_data["note"])
                     for c in candidates}
        try:
            stars.star_decisions_save(actor=request.user, round_id=star_round.pk,
                                      decisions=decisions)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("评定结果已保存。确认无误后请公布。"))
            return redirect("duties:star_round", pk=star_round.pk)
    weight = round(float(setting_value(congress=star_round.congress,
                                       key="duties.star_vote_weight")) * 100)
    return render(request, "duties/stars/decide.html", {
        "round": star_round, "candidates": candidates,
        "open": star_round.status == S.DECIDING,
        "weight_percent": weight, "review_percent": 100 - weight,
        "levels": setting_value(congress=star_round.congress, key="duties.star_levels")},
        status=400 if post is not None else 200)


# --- The public vote ----------------------------------------------------------------------------

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
def vote_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        star_round = stars.public_round_get(pk=pk)
    except StarRound.DoesNotExist:
        raise Http404 from None
    action = request.POST.get("action") if request.method == "POST" else None
    form = VoterForm(request.POST if action in ("send_code", "confirm") else None)
    if action == "send_code":
        _send_code(request, form)
    elif action == "confirm" and form.is_valid():
        if _confirm(request, form):
            return redirect(f"{request.path}#candidates")
    elif action == "vote":
        _vote(request, star_round)
        return redirect(f"{request.path}#candidates")
    elif action == "forget":
        request.session.pop(VOTER_SESSION_KEY, None)
        return redirect(request.path)
    candidates = stars.public_candidates(star_round=star_round)
    return render(request, "duties/stars/vote.html", {
        "round": star_round, "candidates": candidates, "form": form,
        "voter": _voter(request), "is_open": stars.vote_is_open(star_round),
        "per_day": setting_value(congress=star_round.congress,
                                 key="duties.star_votes_per_day"),
        "not_yet": star_round.status == S.VOTING and star_round.vote_opens_on
        and timezone.localdate() < star_round.vote_opens_on},
        status=400 if form.errors else 200)


def _send_code(request: HttpRequest, form: VoterForm) -> None:
    form.is_valid()
    form.keep_errors_of("mobile")
    if form.errors:
        return
    mobile = form.cleaned_data["mobile"]
    try:
        verification_start(phone=mobile, purpose=stars.PURPOSE)
    except (VerificationThrottled, ValidationError) as error:
        form.add_error("mobile", error.messages)
        return
    messages.success(request, _("验证码已发送至 %(mobile)s，10 分钟内有效。")
                     % {"mobile": mask_phone(mobile)})


def _confirm(request: HttpRequest, form: VoterForm) -> bool:
    mobile = form.cleaned_data["mobile"]
    try:
        digest = stars.star_voter_confirm(phone=mobile, code=form.cleaned_data["code"])
    except ValidationError as error:
        form.add_error("code", error.messages)
        return False
    until = timezone.now() + stars.CONFIRMATION_VALID
    request.session[VOTER_SESSION_KEY] = {"digest": digest, "masked": mask_phone(mobile),
                                          "until": until.timestamp()}
    messages.success(request, _("手机号码 %(mobile)s 已验证，请选择您支持的候选并投票。")
                     % {"mobile": mask_phone(mobile)})
    return True


def _vote(request: HttpRequest, star_round: StarRound) -> None:
    voter = _voter(request)
    try:
        candidate_id = int(request.POST.get("candidate", ""))
    except ValueError:
        messages.error(request, _("请从名单中选择候选"))
        return
    try:
        vote = stars.star_vote_cast(round_id=star_round.pk, candidate_id=candidate_id,
                                    phone_digest=(voter or {}).get("digest", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    messages.success(request, _("投票成功！您已为%(name)s投出一票，感谢参与。")
                     % {"name": vote.candidate})


# --- Honour pages -------------------------------------------------------------------------------

def honours(request: HttpRequest) -> HttpResponse:
    years = stars.honour_years()
    return _honours_page(request, years[0] if years else None, years)


def honours_year(request: HttpRequest, year: int) -> HttpResponse:
    years = stars.honour_years()
    if year not in years:
        raise Http404
    return _honours_page(request, year, years)


def _honours_page(request: HttpRequest, year: int | None, years: list[int]) -> HttpResponse:
    return render(request, "duties/stars/honours.html", {
        "year": year, "years": years,
        "rounds": stars.honours_of_year(year=year) if year else [],
        "voting": list(stars.voting_rounds())})


urlpatterns = [
    path("stars/", round_list, name="star_rounds"),
    path("stars/new/", round_new, name="star_round_new"),
    path("stars/<int:pk>/", round_detail, name="star_round"),
    path("stars/<int:pk>/edit/", round_edit, name="star_round_edit"),
    path("stars/<int:pk>/move/<slug:action>/", round_move, name="star_round_move"),
    path("stars/<int:pk>/nominate/", nominate, name="star_nominate"),
    path("stars/<int:pk>/review/", review, name="star_review"),
    path("stars/<int:pk>/decide/", decide, name="star_decide"),
    path("stars/<int:pk>/vote/", vote_page, name="star_vote_page"),
    path("stars/candidates/<int:pk>/withdraw/", candidate_withdraw, name="star_withdraw"),
    path("stars/candidates/<int:pk>/review/", review_candidate, name="star_review_candidate"),
    path("honours/", honours, name="honours"),
    path("honours/<int:year>/", honours_year, name="honours_year"),
]
