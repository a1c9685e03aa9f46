"""Review (审查/立案) by the congress office (DOMAIN §4.2): a submitted suggestion is registered
with the next number of its series, returned to the lead deputy with a reason, or converted to
an ordinary letter (转为来信处理) for one of the reasons that make it no suggestion. A motion is
registered as a motion, or made a suggestion (it keeps its history) and then registered as one.

Numbering: each series has its own counter row (`SuggestionCounter`), locked while a number is
given, so that two clerks registering at once never share or skip a number. The series are
the congress's, per kind (suggestions and motions apart), and per plenary session
(`numbering_key` `S<session id>`) or, for the closed period, per year (`Y<year>`). The code
is the number written by the congress's `suggestions.number_format`.

Bulk registration (the week of a plenary session, hundreds at once) registers each item in a
transaction of its own, in the order they were submitted, and reports what failed and why.
"""

import dataclasses
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.accounts.access import scope_filter
from renda.core.workflow import TransitionNotAllowed, event_append, workflow_move
from renda.directory.models import Congress
from renda.suggestions.models import Suggestion, SuggestionCounter
from renda.suggestions.services.common import setting, text
from renda.suggestions.workflow import REVIEW, SUGGESTION

S = Suggestion.Status
REASON_MAX_LENGTH = 1000
# Stored in the code, not shown as UI text: the series' names as a congress writes them.
KIND_NAMES = {Suggestion.Kind.SUGGESTION: "建议", Suggestion.Kind.MOTION: "议案"}
SERIES_NAMES = {Suggestion.Series.SESSION: "大会", Suggestion.Series.INTERIM: "闭会"}


class LetterReason(models.TextChoices):
    """What is not accepted as a suggestion (DOMAIN §4.2) and is handled as a letter instead."""

    PERSONAL = "personal", gettext_lazy("代表本人或其亲属的个人事务")
    PETITION = "petition", gettext_lazy("代转的群众来信来访（信访事项）")
    COURT_CASE = "court_case", gettext_lazy("具体司法案件")
    ACCUSATION = "accusation", gettext_lazy("检举、控告或申诉")
    ADVERTISING = "advertising", gettext_lazy("广告宣传或推介")
    EMPTY = "empty", gettext_lazy("内容空泛，没有具体事项")


@dataclasses.dataclass(frozen=True)
class BulkFailure:
    suggestion_id: int
    title: str
    message: str


@dataclasses.dataclass
class BulkResult:
    registered: list[Suggestion]
    failures: list[BulkFailure]


# One suggestion --------------------------------------------------------------------------------


def suggestion_register(*, actor: Any, suggestion_id: int, note: str = "") -> Suggestion:
    """Register (立案) with the next number of the suggestion's series."""
    note = text(note, field="note", max_length=REASON_MAX_LENGTH)
    with transaction.atomic():
        suggestion = _lock(actor, suggestion_id)
        return _register_locked(actor, suggestion, note=note,
                                number_format=_number_format(suggestion.congress))


def suggestion_return(*, actor: Any, suggestion_id: int, reason: str) -> Suggestion:
    """Return to the lead deputy with a reason; he edits and submits it again."""
    reason = text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=True)
    with transaction.atomic():
        suggestion = _lock(actor, suggestion_id)
        return workflow_move(workflow=SUGGESTION, obj=suggestion, action="return", actor=actor,
                             check_permission=False, note=reason,
                             changes={"return_reason": reason})


def suggestion_to_letter(*, actor: Any, suggestion_id: int, reason: str,
                         note: str = "") -> Suggestion:
    """Convert to an ordinary letter (转为来信处理) for one of `LetterReason`, with a note the
    lead deputy reads."""
    if reason not in LetterReason.values:
        raise ValidationError({"reason": _("请选择转为来信处理的理由")})
    note = text(note, field="note", max_length=REASON_MAX_LENGTH)
    with transaction.atomic():
        suggestion = _lock(actor, suggestion_id)
        return workflow_move(workflow=SUGGESTION, obj=suggestion, action="to_letter",
                             actor=actor, check_permission=False, note=note,
                             data={"reason": reason})


def suggestion_motion_to_suggestion(*, actor: Any, suggestion_id: int,
                                    reason: str) -> Suggestion:
    """A submitted motion that the review finds is not one becomes a suggestion (不作为议案，
    作为建议处理): its kind changes, its status and history stay, and it waits in the queue to
    be registered as a suggestion."""
    reason = text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=True)
    with transaction.atomic():
        suggestion = _lock(actor, suggestion_id)
        if suggestion.status != S.SUBMITTED:
            raise TransitionNotAllowed(_("只有已提交、尚未立案的议案可以转为建议"))
        if suggestion.kind != Suggestion.Kind.MOTION:
            raise ValidationError(_("这件已经是建议"))
        suggestion.kind = Suggestion.Kind.SUGGESTION
        suggestion._history_user = actor
        suggestion.save(update_fields=["kind", "updated_at"])
        event_append(target=suggestion, action="to_suggestion", actor=actor, note=reason,
                     data={"from_kind": Suggestion.Kind.MOTION})
    return suggestion


# Many at once ----------------------------------------------------------------------------------


def suggestion_register_bulk(*, actor: Any, suggestion_ids: Iterable[int],
                             note: str = "") -> BulkResult:
    """Register many suggestions, each in its own transaction, numbered in the order they were
    submitted (then by id), so that the same selection always gets the same numbers. Those
    that cannot be registered (moved meanwhile, out of the actor's scope) are reported with
    the reason and leave the others untouched."""
    note = text(note, field="note", max_length=REASON_MAX_LENGTH)
    wanted = {int(pk) for pk in suggestion_ids}
    in_scope = scope_filter(actor, REVIEW, Suggestion.objects.filter(pk__in=wanted))
    rows = list(in_scope.order_by("submitted_at", "id").values_list("pk", "title"))
    result = BulkResult(registered=[], failures=[
        BulkFailure(pk, "", _("不存在或无权处理")) for pk in sorted(wanted - {r[0] for r in rows})])
    formats: dict[int, str] = {}
    for pk, title in rows:
        try:
            with transaction.atomic():
                suggestion = _lock(actor, pk)
                congress_id = suggestion.congress_id
                if congress_id not in formats:
                    formats[congress_id] = _number_format(suggestion.congress)
                result.registered.append(_register_locked(
                    actor, suggestion, note=note, number_format=formats[congress_id]))
        except (TransitionNotAllowed, ValidationError, PermissionDenied) as error:
            result.failures.append(BulkFailure(pk, title, _message(error)))
    return result


# Helpers ---------------------------------------------------------------------------------------


def _lock(actor: Any, suggestion_id: int) -> Suggestion:
    """The row, locked, if the actor may review it: one query checks the scope and takes the
    lock, which matters when hundreds are registered at once."""
    items = Suggestion.objects.select_for_update(of=("self",)).select_related(
        "congress", "session")
    suggestion = scope_filter(actor, REVIEW, items).filter(pk=suggestion_id).first()
    if suggestion is None:
        raise PermissionDenied
    return suggestion


def _register_locked(actor: Any, suggestion: Suggestion, *, note: str,
                     number_format: str) -> Suggestion:
    if suggestion.status != S.SUBMITTED:
        # The table's own message, before a number is spent.
        return workflow_move(workflow=SUGGESTION, obj=suggestion, action="register",
                             actor=actor, check_permission=False)
    key, values = _series(suggestion)
    number = _next_number(suggestion.congress, suggestion.kind, key)
    code = _code(number_format, number=number, **values)
    return workflow_move(
        workflow=SUGGESTION, obj=suggestion, action="register", actor=actor,
        check_permission=False, note=note,
        data={"numbering_key": key, "number": number, "code": code, "kind": suggestion.kind},
        changes={"numbering_key": key, "number": number, "code": code,
                 "registered_at": timezone.now()})


def _series(suggestion: Suggestion) -> tuple[str, dict[str, Any]]:
    """The numbering key of the suggestion's series and the values its code is written with."""
    values: dict[str, Any] = {"year": suggestion.year, "session": "",
                              "kind": KIND_NAMES[suggestion.kind],
                              "series": SERIES_NAMES[suggestion.series]}
    session = suggestion.session
    if suggestion.series == Suggestion.Series.SESSION and session is not None:
        values.update(year=session.start_date.year, session=session.number)
        return f"S{session.pk}", values
    return f"Y{suggestion.year}", values


def _next_number(congress: Congress, kind: str, key: str) -> int:
    """The next number of the series; the counter row stays locked until the surrounding
    transaction ends, so concurrent registrations queue here for a moment."""
    counter, _created = SuggestionCounter.objects.select_for_update().get_or_create(
        congress=congress, kind=kind, numbering_key=key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _number_format(congress: Congress) -> str:
    return str(setting(congress, "suggestions.number_format"))


def _code(number_format: str, **values: Any) -> str:
    try:
        code = number_format.format(**values)
    except (KeyError, IndexError, ValueError, TypeError):
        raise ValidationError(_(
            "建议编号格式“%(format)s”有误，请管理员修改“建议编号格式”配置（可用 {year}、"
            "{session}、{number}、{kind}、{series}）") % {"format": number_format}) from None
    if not code or len(code) > Suggestion._meta.get_field("code").max_length:
        raise ValidationError(_("按“建议编号格式”配置生成的编号为空或过长，请管理员修改配置"))
    return code


def _message(error: Exception) -> str:
    if isinstance(error, PermissionDenied):
        return _("不存在或无权处理")
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
