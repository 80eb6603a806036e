"""Bring existing workspaces up to date with the role model: the owner role gets every
(new) permission, the owner a staff profile, and missing industry roles are copied
from the HQ templates. Idempotent; run after `migrate_schemas`."""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from apps.tenants.models import Tenant

from ...provisioning import tenant_roles


class Command(BaseCommand):
    help = "Sync owner roles and industry role templates into every active workspace."

    def handle(self, *args, **options):
        tenants = Tenant.objects.exclude(schema_name="public").filter(status=Tenant.Status.ACTIVE,
                                                                       owner__isnull=False)
        for tenant in tenants.select_related("owner"):
            with schema_context(tenant.schema_name):
                tenant_roles(tenant=tenant, owner=tenant.owner)
            self.stdout.write(f"{tenant.slug}: roles in sync")
