"""One demo login per role. The password is public and for demos only: never run the seeder
on a server that holds real data."""

import dataclasses

from renda.accounts.models import Role, RoleAssignment, User
from renda.directory.models import Congress, Deputy, HandlingUnit, Station

DEMO_PASSWORD = "renda-demo-2026"  # noqa: S105 - documented demo-only password


@dataclasses.dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    congress: str  # congress key
    station: str = ""  # station code
    unit: str = ""  # unit code
    deputy: bool = False
    staff: bool = False
    superuser: bool = False


ACCOUNTS = (
    Account("demo-admin", "赵文博", Role.ADMIN, "pingfang", staff=True, superuser=True),
    Account("demo-office", "李晓燕", Role.OFFICE_STAFF, "pingfang", staff=True),
    Account("demo-leader", "陈国华", Role.LEADER, "pingfang"),
    Account("demo-evaluator", "周敏", Role.EVALUATOR, "pingfang"),
    Account("demo-station", "刘婷", Role.STATION_STAFF, "pingfang", station="PF-XJ-01"),
    Account("demo-handler", "孙志刚", Role.UNIT_HANDLER, "pingfang", unit="PF-ZJJ"),
    Account("demo-unithead", "马建军", Role.UNIT_HEAD, "pingfang", unit="PF-ZJJ"),
    Account("demo-deputy", "", Role.DEPUTY, "pingfang", deputy=True),
    Account("demo-songbei", "吴丹", Role.OFFICE_STAFF, "songbei", staff=True),
)


def _user(account: Account, deputy: Deputy | None) -> User:
    values = {
        "display_name": account.display_name or (deputy.name if deputy else ""),
        "deputy": deputy if account.deputy else None,
        "is_staff": account.staff, "is_superuser": account.superuser, "is_active": True,
    }
    user = User.objects.filter(username=account.username).first() or User(username=account.username)
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if not user.has_usable_password() or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed.append("password")
    if changed or user.pk is None:
        user.save()
    return user


def build_accounts(congresses: dict[str, Congress], stations: dict[str, Station],
                   units: dict[str, HandlingUnit], deputy: Deputy) -> list[User]:
    """The demo users, each with one role assignment in force."""
    users = []
    for account in ACCOUNTS:
        user = _user(account, deputy)
        RoleAssignment.objects.get_or_create(
            user=user, role=account.role, congress=congresses[account.congress],
            area=None, station=stations.get(account.station), unit=units.get(account.unit),
            valid_from=None, valid_until=None,
        )
        users.append(user)
    return users


def account_table() -> list[tuple[str, str, str, str, str]]:
    """(username, display name, role, scope, password) of every demo user found."""
    rows = []
    usernames = [account.username for account in ACCOUNTS]
    assignments = (RoleAssignment.objects.filter(user__username__in=usernames)
                   .select_related("user__deputy", "congress__area", "area", "station", "unit"))
    order = {name: index for index, name in enumerate(usernames)}
    for assignment in sorted(assignments, key=lambda a: order[a.user.username]):
        scope = f"{assignment.congress} · {assignment.scope_label}"
        rows.append((assignment.user.username, str(assignment.user),
                     assignment.get_role_display(), scope, DEMO_PASSWORD))
    return rows
