from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Role, RoleAssignment


def tenant_permissions():
    """Every permission on the platform's own models in tenant schemas (not Django's
    internals such as sessions or the admin log)."""
    labels = [config.label for config in apps.get_app_configs()
              if config.name in settings.TENANT_APPS and config.name.startswith("apps.")]
    return Permission.objects.filter(content_type__app_label__in=labels)


@transaction.atomic
def roles_bootstrap() -> Role:
    """The owner role with every tenant permission. Idempotent; runs in the tenant's schema."""
    owner, _created = Role.objects.get_or_create(
        key=Role.OWNER, defaults={"name": _("Owner"), "is_system": True,
                                  "description": _("Full control of this workspace.")}
    )
    owner.permissions.set(tenant_permissions())
    return owner


def role_assign(*, user, role: Role) -> RoleAssignment:
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role)
    return assignment
