from django.contrib.auth.models import Permission

from .models import Role


def roles_for(*, user) -> list[Role]:
    return list(Role.objects.filter(assignments__user=user).order_by("key"))


def permissions_for(*, user) -> set[str]:
    """"app_label.codename" strings granted by the user's roles in this schema (one query)."""
    rows = (
        Permission.objects.filter(pk__in=Role.permissions.through.objects.filter(
            role__assignments__user=user).values("permission_id"))
        .values_list("content_type__app_label", "codename")
    )
    return {f"{app}.{codename}" for app, codename in rows}
