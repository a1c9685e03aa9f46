"""Plenary sessions and the closed periods between them (闭会期间).

Many rules depend on which one a day falls in: a suggestion made during a session is
assigned after it closes, one made in the closed period within a few working days.
"""

import dataclasses
import datetime
import enum

from renda.directory.models import Congress, PlenarySession, Term

ONE_DAY = datetime.timedelta(days=1)


class PeriodKind(enum.StrEnum):
    SESSION = "session"
    CLOSED = "closed"


@dataclasses.dataclass(frozen=True)
class Period:
    """A span of a term: a plenary session, or the closed period after `previous` (None
    before the first session) and before `following` (None until the next is scheduled)."""

    kind: PeriodKind
    term: Term
    start: datetime.date
    end: datetime.date | None
    session: PlenarySession | None = None
    previous: PlenarySession | None = None
    following: PlenarySession | None = None

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def term_periods(*, term: Term) -> list[Period]:
    """The term cut into sessions and closed periods, in order, without gaps."""
    periods: list[Period] = []
    cursor, previous = term.start_date, None
    for session in term.sessions.order_by("start_date"):
        if session.start_date > cursor:
            periods.append(Period(PeriodKind.CLOSED, term, cursor, session.start_date - ONE_DAY,
                                  previous=previous, following=session))
        periods.append(Period(PeriodKind.SESSION, term, session.start_date, session.end_date,
                              session=session))
        cursor, previous = session.end_date + ONE_DAY, session
    if term.end_date is None or cursor <= term.end_date:
        periods.append(Period(PeriodKind.CLOSED, term, cursor, term.end_date, previous=previous))
    return periods


def period_on(*, congress: Congress, day: datetime.date) -> Period | None:
    """The session or closed period of `congress` on `day`; None outside every term."""
    term = congress.current_term(on=day)
    if term is None:
        return None
    return next((p for p in term_periods(term=term) if p.contains(day)), None)


def is_closed_period(*, congress: Congress, day: datetime.date) -> bool:
    period = period_on(congress=congress, day=day)
    return period is not None and period.kind is PeriodKind.CLOSED
