from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.hq import GROUP_PERMISSIONS
from apps.tenants.services import public_tenant_ensure


class Command(BaseCommand):
    help = "Create the public tenant, its domain and the HQ groups with their permissions (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        tenant = public_tenant_ensure()
        for name, perms in GROUP_PERMISSIONS.items():
            group, _created = Group.objects.get_or_create(name=name)
            wanted = []
            for perm in perms:
                app_label, codename = perm.split(".", 1)
                wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            group.permissions.set(wanted)
        self.stdout.write(f"Public tenant on {tenant.get_primary_domain()}; HQ groups: {', '.join(GROUP_PERMISSIONS)}")
