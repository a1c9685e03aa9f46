from django.db.models import QuerySet

from renda.accounts.models import RoleAssignment, User


def assignments_for(*, user: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.in_force()
        .filter(user=user)
        .select_related("congress__area", "area", "station", "unit", "user__deputy")
    )
