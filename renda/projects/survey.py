"""The public's rating of the projects (群众测评), DOMAIN §5: while the cycle is in evaluation,
anyone who confirms a mainland mobile number by SMS rates each project satisfied, basically
satisfied or dissatisfied (the choices of the setting `projects.evaluation_choices`).

One response per confirmed number per project: the number is kept only as its keyed digest
(`renda.core.verification.phone_digest`), and the unique constraint on (project, digest)
decides between two submissions at the same moment. A submission that rates a project the
number has already rated is refused whole: nothing of it is counted.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from renda.core.text import clean_text
from renda.core.verification import verification_confirm, verification_confirmed
from renda.projects.implementation import survey_choices
from renda.projects.models import Project, ProjectCycle, SurveyResponse

PURPOSE = "project_survey"
# How long a confirmed number may rate, from the moment the code was accepted.
CONFIRMATION_VALID = datetime.timedelta(minutes=30)
COMMENT_MAX = 500
C = ProjectCycle.Status


def survey_cycle_get(*, pk: int) -> ProjectCycle:
    """A cycle whose survey page is public: in evaluation (open) or reported (closed)."""
    return (ProjectCycle.objects.select_related("congress")
            .filter(status__in=[C.EVALUATING, C.REPORTED]).get(pk=pk))


def survey_is_open(cycle: ProjectCycle) -> bool:
    return cycle.status == C.EVALUATING


def survey_cycles() -> QuerySet[ProjectCycle]:
    """The cycles whose public survey is open now."""
    return (ProjectCycle.objects.filter(status=C.EVALUATING).select_related("congress")
            .order_by("congress__name", "-year"))


def survey_projects(*, cycle: ProjectCycle) -> list[Project]:
    return list(cycle.projects.select_related("lead_unit", "proposal"))


def survey_voter_confirm(*, phone: str, code: str) -> str:
    """Check the SMS code of a number; the number's digest, or a ValidationError."""
    return verification_confirm(phone=phone, purpose=PURPOSE, code=code)


def _confirmed(digest: str) -> bool:
    return verification_confirmed(digest=digest, purpose=PURPOSE, within=CONFIRMATION_VALID)


def survey_rated(*, cycle: ProjectCycle, phone_digest: str) -> dict[int, str]:
    """The projects of the cycle this number has rated, with its rating."""
    if not phone_digest:
        return {}
    return dict(SurveyResponse.objects.filter(project__cycle=cycle, phone_digest=phone_digest)
                .values_list("project_id", "rating"))


def _clean(cycle: ProjectCycle, ratings: dict[int, str], comments: dict[int, str]) -> dict:
    codes = {choice["code"] for choice in survey_choices(cycle=cycle)}
    projects = {project.pk: project for project in cycle.projects.all()}
    chosen = {int(pk): code for pk, code in ratings.items() if code}
    if not chosen:
        raise ValidationError(_("请至少评价一个项目"), code="empty")
    if any(pk not in projects for pk in chosen) or any(code not in codes
                                                       for code in chosen.values()):
        raise ValidationError(_("请从列出的选项中选择"), code="invalid")
    return {pk: (projects[pk], code,
                 clean_text(comments.get(pk, ""), field=f"c{pk}", max_length=COMMENT_MAX))
            for pk, code in chosen.items()}


def _already(cycle: ProjectCycle, digest: str, projects: list[Project]) -> ValidationError:
    titles = "、".join(f"“{project.title}”" for project in projects)
    return ValidationError(
        _("这个手机号码已经评价过%(titles)s，每个手机号码对每个项目只能评价一次。"
          "本次提交的评价都没有计入。") % {"titles": titles}, code="already")


def survey_ratings_cast(*, cycle_id: int, phone_digest: str, ratings: dict[int, str],
                        comments: dict[int, str] | None = None) -> list[SurveyResponse]:
    """The ratings of one confirmed number for some projects of the cycle, all or none."""
    if not phone_digest or not _confirmed(phone_digest):
        raise ValidationError(_("请先用短信验证码确认手机号码，再评价"), code="unverified")
    with transaction.atomic():
        cycle = ProjectCycle.objects.select_for_update().select_related("congress").get(
            pk=cycle_id)
        if not survey_is_open(cycle):
            raise ValidationError(_("群众测评已经结束或尚未开始"), code="closed")
        cleaned = _clean(cycle, ratings, comments or {})
        done = set(SurveyResponse.objects.filter(project_id__in=cleaned,
                                                 phone_digest=phone_digest)
                   .values_list("project_id", flat=True))
        if done:
            raise _already(cycle, phone_digest, [cleaned[pk][0] for pk in sorted(done)])
        try:
            with transaction.atomic():
                return [SurveyResponse.objects.create(project=project, phone_digest=phone_digest,
                                                      rating=code, comment=comment)
                        for project, code, comment in cleaned.values()]
        except IntegrityError:
            # Another submission of the same number won the race: nothing of this one counts.
            raise _already(cycle, phone_digest, [item[0] for item in cleaned.values()]) from None


def survey_counts(*, cycle: ProjectCycle) -> dict[int, int]:
    """How many responses each project has (for the staff's view of the survey's progress)."""
    counts: dict[int, int] = {}
    for project_id in SurveyResponse.objects.filter(project__cycle=cycle).values_list(
            "project_id", flat=True):
        counts[project_id] = counts.get(project_id, 0) + 1
    return counts


def survey_comments(*, cycle: ProjectCycle) -> dict[int, list[Any]]:
    """The citizens' comments of each project, for the office (never published)."""
    comments: dict[int, list[Any]] = {}
    for row in (SurveyResponse.objects.filter(project__cycle=cycle).exclude(comment="")
                .order_by("project_id", "id")):
        comments.setdefault(row.project_id, []).append(row)
    return comments
