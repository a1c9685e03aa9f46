"""Staff enter an item received on the station's hotline, at a reception day or transferred
from the 12345 hotline (`/opinions/staff/new/`), recording the channel.

Station staff address it to their station, a deputy to himself, the office to any station of
its congress: the choices offered are those the user may triage, and the service checks the new
item against the same scope (PermissionDenied and nothing stored otherwise). After saving, the
tracking number and the secret are shown once, for staff to give to the citizen.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from renda.accounts.access import has_perm, scope_q
from renda.core.workflow import event_append
from renda.directory.models import Deputy, Station, StationAssignment
from renda.opinions import attachments, selectors, services
from renda.opinions.forms import StaffEntryForm
from renda.opinions.models import Opinion
from renda.opinions.views import attachments_body_limit, track_url_of
from renda.opinions.workflow import TRIAGE

SESSION_KEY = "renda_staff_entry_secrets"
SESSION_KEEP = 10


# Service ---------------------------------------------------------------------------------------


def opinion_enter(*, actor: Any, files: list[attachments.CheckedFile],
                  reception_date: datetime.date | None = None,
                  **submission: Any) -> tuple[Opinion, str]:
    """An item received by staff, through `opinion_submit` with the staff member as actor; the
    actor must be able to triage it. The date of the reception day it was raised at is logged
    with the item (a `reception_day` event), in the same transaction."""

    def record_reception(opinion: Opinion) -> None:
        event_append(target=opinion, action="reception_day", actor=actor,
                     note=_("代表接待日：%(date)s") % {"date": reception_date.isoformat()},
                     data={"date": reception_date.isoformat()})

    return attachments.opinion_submit_with_attachments(
        files=files, actor=actor, require=TRIAGE,
        then=record_reception if reception_date else None, **submission)


# Choices ---------------------------------------------------------------------------------------


class _StationAddressed:
    """The scopes of an item addressed to a station (and to no deputy), read from the station:
    `Opinion.ACCESS_SCOPES` with the station standing for `addressed_station`."""

    ACCESS_SCOPES = {"area": ["congress__area__path"], "station": ["path"]}


class _DeputyAddressed:
    """The scopes that an item addressed to a deputy at one of his stations may fall in."""

    ACCESS_SCOPES = {"area": ["mandates__term__congress__area__path"],
                     "station": ["station_assignments__station__path"], "deputy": ["pk"]}


def _addressees(user: Any) -> tuple[QuerySet[Station], QuerySet[Deputy], bool]:
    """The stations and deputies `user` may address an item to, and whether a deputy must be
    chosen (a deputy who is not also staff of a station or of the office)."""
    station_q = scope_q(user, TRIAGE, _StationAddressed)
    deputy_q = scope_q(user, TRIAGE, _DeputyAddressed)
    deputies = Deputy.objects.filter(deputy_q) if deputy_q is not None else Deputy.objects.none()
    # The stations of the scope, and those of the deputies in it (a deputy's own stations).
    where = Q(pk__in=StationAssignment.objects.filter(deputy__in=deputies).values("station"))
    if station_q is not None:
        # An empty Q (a superuser's) reaches every station; OR-ed it would vanish.
        where = station_q | where if station_q else Q()
    stations = Station.objects.filter(where, is_active=True)
    deputies = Deputy.objects.filter(
        pk__in=deputies.filter(station_assignments__station__in=stations).values("pk"))
    return (stations.select_related("congress").order_by("path"), deputies.order_by("name"),
            station_q is None)


def _type_choices(stations: QuerySet[Station]) -> list[tuple[str, str]]:
    choices: dict[str, str] = {}
    for congress in {station.congress_id: station.congress for station in stations}.values():
        for code, item in services.opinion_types(congress=congress).items():
            choices.setdefault(code, item.get("label", code))
    return list(choices.items())


def _build_form(request: HttpRequest) -> StaffEntryForm:
    stations, deputies, deputy_required = _addressees(request.user)
    if not stations.exists():
        raise PermissionDenied
    post = request.method == "POST"
    initial = {"station": stations.first()} if stations.count() == 1 else {}
    if deputy_required and deputies.count() == 1:
        initial["deputy"] = deputies.first()
    return StaffEntryForm(request.POST if post else None, request.FILES if post else None,
                          stations=stations, deputies=deputies, initial=initial,
                          type_choices=_type_choices(stations), deputy_required=deputy_required)


# Views -----------------------------------------------------------------------------------------


@attachments_body_limit
@login_required
def staff_entry(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, TRIAGE):
        raise PermissionDenied
    form = _build_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            opinion, secret = _enter(request, form)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if secret:
                _remember(request, opinion, secret)
            return redirect("opinions:staff_entry_done", pk=opinion.pk)
    return render(request, "opinions/staff/entry.html",
                  {"form": form, "files_dropped": bool(request.FILES)})


def _enter(request: HttpRequest, form: StaffEntryForm) -> tuple[Opinion, str]:
    data = form.cleaned_data
    station = data["station"]
    return opinion_enter(
        actor=request.user, files=data["attachments"], reception_date=data["reception_date"],
        congress=station.congress, channel=data["channel"], type_code=data["type_code"],
        title=data["title"], content=data["content"], citizen_name=data["citizen_name"],
        citizen_mobile=data["citizen_mobile"], addressed_station=station,
        addressed_deputy=data["deputy"], address=data["address"],
        consent_publish=data["consent_publish"], idempotency_key=data["idempotency_key"])


def _remember(request: HttpRequest, opinion: Opinion, secret: str) -> None:
    """Kept in the session until the next page shows it: the secret never travels in a URL
    of the staff screens and is shown once."""
    kept = dict(list(request.session.get(SESSION_KEY, {}).items())[-(SESSION_KEEP - 1):])
    kept[str(opinion.pk)] = secret
    request.session[SESSION_KEY] = kept


@never_cache
@login_required
def staff_entry_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        opinion = selectors.opinion_get_for(user=request.user, pk=pk)
    except Opinion.DoesNotExist:
        raise Http404 from None
    kept = dict(request.session.get(SESSION_KEY, {}))
    secret = kept.pop(str(pk), None)
    if secret is None:
        messages.info(request, _("该民意已经登记，查询编号为 %(number)s；查询密码只在登记后显示一次。")
                      % {"number": opinion.tracking_number})
        return redirect("opinions:staff_detail", pk=pk)
    request.session[SESSION_KEY] = kept
    track_url = request.build_absolute_uri(track_url_of(opinion.tracking_number, secret))
    return render(request, "opinions/staff/entry_done.html",
                  {"opinion": opinion, "secret": secret, "track_url": track_url})
