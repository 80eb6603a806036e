from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.accounts.hq import HQ_MASTER
from apps.accounts.models import User
from apps.tenants.models import Tenant
from apps.tenants.services import domain_for, tenant_create

DEMO_TENANTS = [
    {"slug": "acme", "name": "Acme Academy", "business_type": Tenant.BusinessType.ACADEMY,
     "owner_email": "owner@acme.example.com", "owner_name": "Acme Owner"},
    {"slug": "bistro", "name": "Bistro Seoul", "business_type": Tenant.BusinessType.FOOD,
     "owner_email": "owner@bistro.example.com", "owner_name": "Bistro Owner"},
]
HQ_EMAIL = "hq@example.com"


def _with_demo_password(user: User) -> User:
    user.set_password(settings.DEMO_PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


class Command(BaseCommand):
    help = "Seed the demo: HQ superuser and the acme and bistro tenants with their owners (idempotent)."

    def handle(self, *args, **options):
        call_command("setup_platform", stdout=self.stdout)
        hq, _created = User.objects.get_or_create(
            email=HQ_EMAIL, defaults={"full_name": "HQ Master", "is_staff": True, "is_superuser": True})
        _with_demo_password(hq)
        hq.groups.add(Group.objects.get(name=HQ_MASTER))

        for spec in DEMO_TENANTS:
            tenant = Tenant.objects.filter(slug=spec["slug"]).first()
            if tenant is None:
                tenant = tenant_create(**spec, in_process=True)
            elif tenant.status != Tenant.Status.ACTIVE:
                self.stderr.write(f"Demo tenant {tenant.slug} is {tenant.status}: {tenant.provisioning_error}")
                continue
            _with_demo_password(User.objects.get(email=spec["owner_email"]))
        self.print_summary()

    def print_summary(self):
        port = settings.LOCAL_WEB_PORT
        base = settings.BASE_DOMAIN
        self.stdout.write(self.style.SUCCESS("\nDemo ready. Password for every login: " + settings.DEMO_PASSWORD))
        self.stdout.write(f"  Ops portal   http://{base}:{port}/admin/        {HQ_EMAIL}")
        for spec in DEMO_TENANTS:
            host = f"http://{domain_for(spec['slug'])}:{port}"
            self.stdout.write(f"  {spec['name']:<12} {host}/admin/  {spec['owner_email']}")
            self.stdout.write(f"  {'':<12} {host}/api/docs/  (API: POST {host}/api/v1/auth/token/)")
        self.stdout.write(f"  Health       http://{base}:{port}/health/\n")
