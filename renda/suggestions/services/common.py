"""Helpers shared by the services of the suggestions loop."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.deadlines import local_date
from renda.core.text import clean_text as text  # noqa: F401 (the stages import it from here)
from renda.core.workflow import permission_checker
from renda.directory.models import Congress, Deputy, Mandate, PlenarySession, Term
from renda.directory.selectors import setting_value


def setting(congress: Congress, key: str) -> Any:
    return setting_value(congress=congress, key=key, on=local_date(timezone.now()))


def require(actor: Any, perm: str, obj: Any) -> None:
    """Refuse before any business check, so a stranger learns nothing about the record."""
    if not permission_checker()(actor, perm, obj):
        raise PermissionDenied




def categories(congress: Congress) -> dict[str, dict]:
    return {item["code"]: item for item in setting(congress, "suggestions.categories")}


def current_term(congress: Congress, deputy: Deputy) -> Term:
    """The term in which the deputy serves the congress today."""
    mandate = (Mandate.objects.filter(deputy=deputy, term__congress=congress,
                                      status=Mandate.Status.ACTIVE)
               .select_related("term").order_by("-term__number").first())
    if mandate is None:
        raise ValidationError({"lead_deputy": _("该代表不是本级人大的在任代表")})
    return mandate.term


def session_now(term: Term) -> PlenarySession | None:
    """The plenary session being held today, if any: suggestions then join its series."""
    today = local_date(timezone.now())
    return term.sessions.filter(start_date__lte=today, end_date__gte=today).first()
