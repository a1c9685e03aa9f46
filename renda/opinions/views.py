"""The citizen's pages: the opinion form reached from a station's or a deputy's QR code, and
tracking by number and secret. No account: the secret is the key, and without it a visitor
sees nothing of the item. Writes go through `renda.opinions.services`."""

import dataclasses
import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from renda.core.masking import mask_phone
from renda.core.uploads import limit_request_body
from renda.core.verification import VerificationThrottled, verification_check, verification_start
from renda.core.workflow import TransitionNotAllowed, events_of
from renda.directory import public
from renda.directory.models import Congress, Deputy, Station
from renda.opinions import attachments, services
from renda.opinions.forms import LookupForm, OpinionForm, RatingForm, ReopenForm, SecretForm
from renda.opinions.models import Opinion
from renda.opinions.workflow import OPINION

PURPOSE = "opinion"
SESSION_KEY = "renda_opinion_secrets"
SESSION_KEEP = 10
CITIZEN_ACTIONS = {"submit", "rate", "rate_dissatisfied", "reopen"}

# Forms that carry files: a body past the hard cap gets a page that says so (status 413)
# before anything reads it.
attachments_body_limit = limit_request_body(max_bytes=attachments.request_max_bytes,
                                            template_name="opinions/too_big.html")


@dataclasses.dataclass
class Addressee:
    """To whom the form is addressed, and through which channel it came."""

    channel: str
    station: Station | None = None
    deputy: Deputy | None = None

    @property
    def congress(self) -> Congress | None:
        return self.station.congress if self.station else None


def _addressee(request: HttpRequest) -> Addressee:
    """From `?station=<code>` or `?deputy=<id>`, public ones only; 404 for any other."""
    code, deputy_id = request.GET.get("station", ""), request.GET.get("deputy", "")
    try:
        if code:
            return Addressee(Opinion.Channel.QR_STATION, station=public.station_public_get(code=code))
        if deputy_id:
            deputy = public.public_deputies().get(pk=int(deputy_id))
            station = (public.public_stations().filter(assignments__deputy=deputy)
                       .select_related("congress").order_by("path").first())
            if station is None:
                raise Deputy.DoesNotExist
            return Addressee(Opinion.Channel.QR_DEPUTY, station=station, deputy=deputy)
    except (Station.DoesNotExist, Deputy.DoesNotExist, ValueError):
        raise Http404 from None
    return Addressee(Opinion.Channel.WEB)


def _type_choices(congresses: list[Congress]) -> list[tuple[str, str]]:
    """The types of the addressed congress, or of every congress the citizen may pick (the
    service checks the type against the station's congress)."""
    choices: dict[str, str] = {}
    for congress in congresses:
        for code, item in services.opinion_types(congress=congress).items():
            choices.setdefault(code, item.get("label", code))
    return list(choices.items())


def _build_form(request: HttpRequest, addressee: Addressee) -> OpinionForm:
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    if addressee.congress is not None:
        return OpinionForm(data, files, type_choices=_type_choices([addressee.congress]),
                           congress=addressee.congress)
    stations = list(public.public_stations().select_related("congress").order_by("path"))
    congresses = list({s.congress_id: s.congress for s in stations}.values())
    # The files are checked against the limits of the station chosen, when it is known.
    chosen = next((s for s in stations if data and s.code == data.get("station")), None)
    return OpinionForm(data, files, type_choices=_type_choices(congresses),
                       stations=[(s.code, s.name) for s in stations],
                       congress=chosen.congress if chosen else None)


@attachments_body_limit
@ratelimit(key="ip", rate="10/m", method="POST", block=True)
def opinion_new(request: HttpRequest) -> HttpResponse:
    addressee = _addressee(request)
    form = _build_form(request, addressee)
    if request.method == "POST":
        if request.POST.get("action") == "send_code":
            _send_code(request, form)
        elif form.is_valid():
            response = _submit(request, form, addressee)
            if response is not None:
                return response
    return render(request, "opinions/new.html", {
        "form": form, "addressee": addressee,
        # A browser never sends a file again: the citizen must choose them anew.
        "files_dropped": bool(request.FILES)})


def _send_code(request: HttpRequest, form: OpinionForm) -> None:
    form.is_valid()
    form.keep_errors_of("citizen_mobile", "anonymous")
    mobile = form.cleaned_data.get("citizen_mobile")
    if form.errors:
        return
    if not mobile:
        form.add_error("citizen_mobile", _("请先填写手机号码"))
        return
    try:
        verification_start(phone=mobile, purpose=PURPOSE)
    except (VerificationThrottled, ValidationError) as error:
        form.add_error("citizen_mobile", error.messages)
        return
    messages.success(request, _("验证码已发送至 %(mobile)s，10 分钟内有效。")
                     % {"mobile": mask_phone(mobile)})


def _submit(request: HttpRequest, form: OpinionForm, addressee: Addressee) -> HttpResponse | None:
    data = form.cleaned_data
    station = addressee.station or public.public_stations().select_related("congress").get(
        code=data["station"])
    key = data["idempotency_key"]
    existing = _already_submitted(station.congress, key)
    if existing is not None:
        return _after_duplicate(request, existing)
    if not data["anonymous"] and not verification_check(
            phone=data["citizen_mobile"], purpose=PURPOSE, code=data["code"]):
        form.add_error("code", _("验证码不正确或已失效，请重新获取"))
        return None
    try:
        # The files were checked with the form, before the code was spent.
        opinion, secret = attachments.opinion_submit_with_attachments(
            files=data["attachments"],
            congress=station.congress, channel=addressee.channel, type_code=data["type_code"],
            title=data["title"], content=data["content"], citizen_name=data["citizen_name"],
            citizen_mobile=data["citizen_mobile"], addressed_station=station,
            addressed_deputy=addressee.deputy, consent_publish=data["consent_publish"],
            idempotency_key=key, mobile_verified=bool(data["citizen_mobile"]))
    except ValidationError as error:
        form.add_service_error(error)
        return None
    if not secret:
        return _after_duplicate(request, opinion)
    _remember(request, opinion, secret)
    return redirect(track_url_of(opinion.tracking_number, secret, submitted=True))


def _already_submitted(congress: Congress, key: str) -> Opinion | None:
    return Opinion.objects.filter(congress=congress, idempotency_key=key).first()


def _remember(request: HttpRequest, opinion: Opinion, secret: str) -> None:
    """Kept in this browser's session so that a resubmitted form finds its secret again."""
    kept = dict(list(request.session.get(SESSION_KEY, {}).items())[-(SESSION_KEEP - 1):])
    kept[opinion.tracking_number] = secret
    request.session[SESSION_KEY] = kept


def _after_duplicate(request: HttpRequest, opinion: Opinion) -> HttpResponse:
    secret = request.session.get(SESSION_KEY, {}).get(opinion.tracking_number)
    if secret:
        return redirect(track_url_of(opinion.tracking_number, secret, submitted=True))
    messages.info(request, _("该表单已经提交过，查询编号为 %(number)s。请使用提交成功时显示的查询链接查看。")
                  % {"number": opinion.tracking_number})
    return redirect("opinions:lookup")


def track_url_of(number: str, secret: str, *, submitted: bool = False) -> str:
    query = {"s": secret, **({"new": "1"} if submitted else {})}
    return f"{reverse('opinions:track', args=[number])}?{urlencode(query)}"


# Tracking --------------------------------------------------------------------------------------


@ratelimit(key="ip", rate="20/m", method="POST", block=True)
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number, secret = form.cleaned_data["tracking_number"], form.cleaned_data["secret"]
        if services.opinion_get_by_secret(tracking_number=number, secret=secret) is not None:
            return redirect(track_url_of(number.strip(), secret))
        form.add_error(None, _("查询编号或查询密码不正确"))
    return render(request, "opinions/lookup.html", {"form": form})


@ratelimit(key="ip", rate="30/m", method="POST", block=True)
def track(request: HttpRequest, number: str) -> HttpResponse:
    secret = (request.POST.get("s") if request.method == "POST" else request.GET.get("s")) or ""
    opinion = services.opinion_get_by_secret(tracking_number=number, secret=secret)
    if opinion is None:
        return _secret_needed(request, given=bool(secret))
    rating_form = RatingForm(request.POST if request.POST.get("action") == "rate" else None)
    reopen_form = ReopenForm(request.POST if request.POST.get("action") == "reopen" else None)
    if request.method == "POST":
        done = _citizen_action(request, opinion, secret, rating_form, reopen_form)
        if done:
            return redirect(track_url_of(opinion.tracking_number, secret))
    return render(request, "opinions/track.html", {
        "opinion": opinion, "secret": secret, "submitted": request.GET.get("new") == "1",
        "track_url": request.build_absolute_uri(track_url_of(opinion.tracking_number, secret)),
        "mobile": mask_phone(opinion.citizen_mobile), "timeline": _timeline(opinion),
        "replies": _confirmed_replies(opinion), "rating_form": rating_form,
        "attachments": list(opinion.attachments.all()),
        "reopen_form": reopen_form,
        "can_rate": opinion.status == Opinion.Status.CONFIRMED,
        "can_reopen": opinion.status == Opinion.Status.DISSATISFIED and not opinion.reopened,
    })


def _secret_needed(request: HttpRequest, *, given: bool) -> HttpResponse:
    """The same page whether the number is unknown or the secret wrong: it tells nothing."""
    error = _("查询编号或查询密码不正确") if given else ""
    return render(request, "opinions/secret.html", {"form": SecretForm(), "error": error},
                  status=404 if given else 200)


def _citizen_action(request: HttpRequest, opinion: Opinion, secret: str,
                    rating_form: RatingForm, reopen_form: ReopenForm) -> bool:
    action = request.POST.get("action")
    form: RatingForm | ReopenForm = rating_form if action == "rate" else reopen_form
    if action not in {"rate", "reopen"} or not form.is_valid():
        return False
    data, number = form.cleaned_data, opinion.tracking_number
    try:
        if action == "rate":
            services.opinion_rate(tracking_number=number, secret=secret, rating=data["rating"],
                                  comment=data["comment"], solved=data["solved"])
            messages.success(request, _("感谢您的评价。"))
        else:
            services.opinion_reopen(tracking_number=number, secret=secret, reason=data["reason"])
            messages.success(request, _("已申请重新办理，承办单位将重新答复。"))
    except ValidationError as error:
        form.add_error(None, error.messages)
        return False
    except (TransitionNotAllowed, PermissionDenied) as error:
        form.add_error(None, str(error) or _("当前状态下不能执行该操作，请刷新后重试"))
        return False
    return True


def _timeline(opinion: Opinion) -> list[dict[str, Any]]:
    """Submission and every step of the workflow table; the supervision's own marks and every
    staff member's name stay out (a citizen sees roles, not people)."""
    labels = {step.action: step.label for step in OPINION.transitions}
    labels["submit"] = _("提交")
    entries = []
    for event in events_of(opinion):
        if event.action not in labels:
            continue
        if event.action in CITIZEN_ACTIONS and event.actor_id is None:
            who = _("反映人")
        else:
            who = _("工作人员") if event.actor_id else _("系统")
        entries.append({"at": event.created_at, "label": labels[event.action], "who": who,
                        "status": Opinion.Status(event.to_status).label if event.to_status
                        else ""})
    return entries


def _confirmed_replies(opinion: Opinion) -> list[Any]:
    """The final replies the station has confirmed to the citizen (结果反馈)."""
    confirmed: datetime.datetime | None = None
    for event in events_of(opinion).filter(action="confirm").order_by("-created_at")[:1]:
        confirmed = event.created_at
    if confirmed is None:
        return []
    return list(opinion.replies.filter(is_final=True, created_at__lte=confirmed)
                .select_related("unit"))
