from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.accounts.hq import HQ_MASTER
from apps.accounts.models import User
from apps.billing.catalog import plan_price_set, plan_save
from apps.billing.models import Plan
from apps.core.tasks_inline import tasks_in_process
from apps.core.urls import absolute_url
from apps.tenants.models import Tenant
from apps.tenants.services import domain_for, tenant_create

DEMO_PLANS = [
    # code, English, Korean, self sign-up, trial days, staff, branches, API/min, API/month, price KRW, commission %
    ("starter", "Starter", "스타터", True, 14, 5, 1, 120, 100_000, "29000", "3.50"),
    ("pro", "Pro", "프로", True, 14, 30, 5, 600, 1_000_000, "99000", "2.50"),
    ("enterprise", "Enterprise", "엔터프라이즈", False, 0, None, None, 3000, None, "390000", "2.00"),
]
DEMO_TENANTS = [
    {"slug": "acme", "name": "Acme Academy", "business_type": Tenant.BusinessType.ACADEMY,
     "owner_email": "owner@acme.example.com", "owner_name": "Acme Owner", "plan": "pro"},
    {"slug": "bistro", "name": "Bistro Seoul", "business_type": Tenant.BusinessType.FOOD,
     "owner_email": "owner@bistro.example.com", "owner_name": "Bistro Owner", "plan": "starter"},
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
        if not Authenticator.objects.filter(user=hq, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(hq, settings.DEMO_TOTP_SECRET)  # the portal asks HQ staff for a TOTP code

        plans = self.seed_plans(actor=hq)
        for spec in DEMO_TENANTS:
            tenant = Tenant.objects.filter(slug=spec["slug"]).first()
            if tenant is None:
                with tasks_in_process():  # no worker runs yet: provision right here
                    tenant = tenant_create(**{**spec, "plan": plans[spec["plan"]]}, actor=hq)
                tenant.refresh_from_db()
            elif tenant.status != Tenant.Status.ACTIVE:
                self.stderr.write(f"Demo tenant {tenant.slug} is {tenant.status}: {tenant.provisioning_error}")
                continue
            _with_demo_password(User.objects.get(email=spec["owner_email"]))
        self.print_summary()

    def seed_plans(self, *, actor) -> dict:
        """The demo plan catalog, through the billing services (audited, versioned prices)."""
        plans = {}
        for order, (code, name, name_ko, self_signup, trial, staff, branches, per_minute, per_month,
                    price, commission) in enumerate(DEMO_PLANS):
            plan = Plan.objects.filter(code=code).first()
            if plan is None:
                plan = plan_save(plan=Plan(
                    code=code, name=name, name_ko=name_ko, self_signup=self_signup, trial_days=trial,
                    max_staff_users=staff, max_branches=branches, api_requests_per_minute=per_minute,
                    api_requests_per_month=per_month, sort_order=order), actor=actor)
            if not plan.prices.exists():
                plan_price_set(plan=plan, amount=Decimal(price), commission_rate=Decimal(commission),
                               effective_from=timezone.localdate(), actor=actor)
            plans[code] = plan
        return plans

    def print_summary(self):
        self.stdout.write(self.style.SUCCESS("\nDemo ready. Password for every login: " + settings.DEMO_PASSWORD))
        self.stdout.write(f"  Ops portal   {absolute_url('/admin/')}        {HQ_EMAIL}  (then a TOTP code: "
                          f"`manage.py demo_totp`, or secret {settings.DEMO_TOTP_SECRET} in an authenticator app)")
        for spec in DEMO_TENANTS:
            host = absolute_url("/", host=domain_for(spec["slug"])).rstrip("/")
            self.stdout.write(f"  {spec['name']:<12} {host}/admin/  {spec['owner_email']}")
            self.stdout.write(f"  {'':<12} {host}/api/docs/  (API: POST {host}/api/v1/auth/token/)")
        self.stdout.write(f"  Health       {absolute_url('/health/')}\n")
