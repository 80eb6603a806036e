import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant and provision it through Celery (the same path as the ops portal)."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="Subdomain and schema name, e.g. acme")
        parser.add_argument("--name", required=True, help="Company name")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-name", default="")
        parser.add_argument("--business-type", default=Tenant.BusinessType.ACADEMY,
                            choices=[c for c in Tenant.BusinessType.values if c != Tenant.BusinessType.PLATFORM])
        parser.add_argument("--wait", action="store_true", help="Wait until a worker has provisioned it")
        parser.add_argument("--timeout", type=int, default=300, help="Seconds to wait with --wait")

    def handle(self, *args, **opts):
        try:
            tenant = tenant_create(slug=opts["slug"], name=opts["name"], business_type=opts["business_type"],
                                   owner_email=opts["owner_email"], owner_name=opts["owner_name"])
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(f"Tenant {tenant.slug} created ({tenant.status}); provisioning queued.")
        if not opts["wait"]:
            return
        deadline = time.monotonic() + opts["timeout"]
        while time.monotonic() < deadline:
            tenant.refresh_from_db()
            if tenant.status == Tenant.Status.ACTIVE:
                self.stdout.write(self.style.SUCCESS(f"Tenant {tenant.slug} is active at {tenant.get_primary_domain()}"))
                return
            if tenant.status == Tenant.Status.FAILED:
                raise CommandError(f"Provisioning failed: {tenant.provisioning_error}")
            time.sleep(0.5)
        raise CommandError(f"Tenant {tenant.slug} is still {tenant.status} after {opts['timeout']}s: is a worker running?")
