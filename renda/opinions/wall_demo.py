"""Demo echo wall (回音壁), on top of the demo opinions (`renda.opinions.demo`).

The demo opinions were written before the wall: only two of their citizens ticked the consent
box. So that the wall has something to show, the demo lets the citizens of two in three resolved
demo items consent as well (a plain update: demo scenery, like the demo's overdue deadlines, not
an action anybody took), prepares their posts through `wall_post_prepare`, and has the district
office publish two in three of them through `wall_post_review`; the others wait in the review
queue.

Idempotent and deterministic: the items are chosen by their demo number, a post is published
only while it is pending and has never been reviewed, so a second run changes nothing.
"""

from typing import TextIO

from django.db import transaction
from django.db.models import Q

from renda.accounts.models import Role, RoleAssignment, User
from renda.opinions import wall
from renda.opinions.models import EchoWallPost, Opinion

KEY_PREFIX = "demo-opinion-"
S = Opinion.Status


def _number(opinion: Opinion) -> int:
    return int(opinion.idempotency_key.removeprefix(KEY_PREFIX))


def _resolved_demo_items() -> list[Opinion]:
    resolved = (Q(status=S.CLOSED, rating__in=wall.PUBLIC_RATINGS)
                | Q(status__in=list(wall.STATION_OUTCOMES)))
    # The numbered demo items only (other demos, like Open311's, share the prefix).
    items = Opinion.objects.filter(resolved, idempotency_key__regex=rf"^{KEY_PREFIX}[0-9]+$")
    return sorted(items, key=_number)


def _reviewer(opinion: Opinion) -> User | None:
    """The district office's demo clerk, who reviews the posts of the congress."""
    assignment = (RoleAssignment.objects.in_force()
                  .filter(role=Role.OFFICE_STAFF, congress_id=opinion.congress_id,
                          user__username__startswith="demo-", user__is_active=True)
                  .select_related("user").order_by("user__username").first())
    return assignment.user if assignment else None


def _publish(post: EchoWallPost, reviewer: User) -> None:
    wall.wall_post_review(actor=reviewer, post_id=post.pk, action="publish", title=post.title,
                          content=post.content, reply=post.reply)


def seed_wall(*, stdout: TextIO | None = None) -> dict[str, int]:
    """Prepare and publish the demo posts that are missing; returns the number of demo posts
    per status (and prints it on one line when `stdout` is given)."""
    with transaction.atomic():
        for index, opinion in enumerate(_resolved_demo_items()):
            if not opinion.consent_publish and _number(opinion) % 3 == 0:
                continue
            Opinion.objects.filter(pk=opinion.pk, consent_publish=False).update(
                consent_publish=True)
            post = wall.wall_post_prepare(opinion_id=opinion.pk)
            reviewer = _reviewer(opinion)
            if (post is None or reviewer is None or index % 3 == 2
                    or post.status != EchoWallPost.Status.PENDING or post.reviewed_at):
                continue
            _publish(post, reviewer)
    return _summary(stdout)


def _summary(stdout: TextIO | None) -> dict[str, int]:
    posts = EchoWallPost.objects.filter(opinion__idempotency_key__startswith=KEY_PREFIX)
    labels = dict(EchoWallPost.Status.choices)
    summary = {status: posts.filter(status=status).count()
               for status in EchoWallPost.Status.values}
    summary = {status: count for status, count in summary.items() if count}
    if stdout is not None:
        parts = "，".join(f"{labels[status]} {count}" for status, count in summary.items())
        stdout.write(f"  回音壁: {sum(summary.values())} 条（{parts}）\n")
    return summary
