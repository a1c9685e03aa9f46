"""Workflows as tables: each app declares its transitions, one service applies them.

    MANDATE = Workflow(model=Mandate, transitions=[
        Transition("resign", {"active"}, "resigned", permission="directory.change_mandate"),
    ])
    workflow_apply(workflow=MANDATE, pk=mandate.pk, action="resign", actor=user, note="…")

`workflow_apply` locks the row, checks the source state and the actor's permission on the
object (through the permission layer named by settings.RENDA_PERMISSION_CHECKER, so that core
imports no app), saves only the changed fields and appends an `Event`. No FSM library: this
is the whole of it. `workflow_mermaid` draws the table for the docs.
"""

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from renda.core.models import Event

REGISTRY: dict[str, "Workflow"] = {}


class TransitionNotAllowed(Exception):
    """The record is not in a state the action starts from (someone else may have moved it)."""


@dataclasses.dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    permission: str
    label: str = ""

    def __init__(self, action: str, sources: Iterable[str], target: str, *, permission: str,
                 label: str = "") -> None:
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "permission", permission)
        object.__setattr__(self, "label", label or action)


@dataclasses.dataclass(frozen=True)
class Workflow:
    model: type[models.Model]
    transitions: tuple[Transition, ...]
    status_field: str = "status"

    def __post_init__(self) -> None:
        actions = [t.action for t in self.transitions]
        if len(actions) != len(set(actions)):
            raise ValueError(f"duplicate actions in the {self.model.__name__} workflow")
        REGISTRY[self.model._meta.label_lower] = self

    @property
    def name(self) -> str:
        return self.model._meta.label_lower

    def get(self, action: str) -> Transition:
        for item in self.transitions:
            if item.action == action:
                return item
        raise KeyError(action)

    def status_of(self, obj: models.Model) -> str:
        return getattr(obj, self.status_field)

    def available(self, obj: models.Model, user: Any) -> list[Transition]:
        """The actions `user` may take on `obj` now: what a page offers as buttons."""
        check = permission_checker()
        status = self.status_of(obj)
        return [t for t in self.transitions
                if status in t.sources and check(user, t.permission, obj)]


def permission_checker() -> Callable[[Any, str, models.Model], bool]:
    return import_string(settings.RENDA_PERMISSION_CHECKER)


def workflow_apply(*, workflow: Workflow, pk: int, action: str, actor: Any, note: str = "",
                   data: dict | None = None, changes: dict | None = None) -> models.Model:
    """Move one record along `action`, with `changes` to other fields saved in the same write."""
    with transaction.atomic():
        obj = workflow.model._default_manager.select_for_update().get(pk=pk)
        return workflow_move(workflow=workflow, obj=obj, action=action, actor=actor, note=note,
                             data=data, changes=changes)


def workflow_move(*, workflow: Workflow, obj: models.Model, action: str, actor: Any,
                  note: str = "", data: dict | None = None,
                  changes: dict | Callable[[models.Model], dict] | None = None,
                  check_permission: bool = True) -> models.Model:
    """The transition itself, on a row the caller has locked in its transaction.

    `changes` may be a function of the record, called once the source state is confirmed.
    Callers that authorise another way (a citizen's tracking secret) pass
    `check_permission=False` and `actor=None`.
    """
    step = workflow.get(action)
    before = workflow.status_of(obj)
    if before not in step.sources:
        raise TransitionNotAllowed(
            _("当前状态下不能执行“%(action)s”，记录可能已被他人处理，请刷新后重试")
            % {"action": step.label}
        )
    if check_permission and not permission_checker()(actor, step.permission, obj):
        raise PermissionDenied
    changes = (changes(obj) if callable(changes) else changes) or {}
    for field, value in changes.items():
        setattr(obj, field, value)
    setattr(obj, workflow.status_field, step.target)
    if getattr(actor, "pk", None):
        obj._history_user = actor  # django-simple-history's author outside a request
    fields = [workflow.status_field, *changes]
    # auto_now fields are set by save() only when listed in update_fields.
    fields += [f.name for f in obj._meta.concrete_fields
               if getattr(f, "auto_now", False) and f.name not in fields]
    obj.save(update_fields=fields)
    event_append(target=obj, action=action, actor=actor, from_status=before,
                 to_status=step.target, note=note, data=data or {})
    return obj


def event_append(*, target: models.Model, action: str, actor: Any, from_status: str = "",
                 to_status: str = "", note: str = "", data: dict | None = None) -> Event:
    return Event.objects.create(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk,
        action=action, actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status, to_status=to_status, note=note, data=data or {},
    )


def events_of(target: models.Model) -> models.QuerySet[Event]:
    content_type = ContentType.objects.get_for_model(target)
    return Event.objects.filter(content_type=content_type, object_id=target.pk).select_related(
        "actor")


def workflow_mermaid(workflow: Workflow) -> str:
    """A Mermaid state diagram of the table, for docs/workflows/."""
    lines = ["stateDiagram-v2"]
    for step in workflow.transitions:
        for source in sorted(step.sources):
            lines.append(f"    {source} --> {step.target}: {step.action} ({step.permission})")
    return "\n".join(lines) + "\n"
