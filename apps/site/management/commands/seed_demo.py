from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.core.urls import absolute_url
from apps.site import demo
from apps.site.demo.platform import AWAITING, HQ_EMAIL
from apps.tenants.services import domain_for


class Command(BaseCommand):
    help = ("Seed the demo (idempotent): HQ, plans, add-ons, a promo code and a feature flag; the acme and bistro "
            "tenants with branches, staff, customers, settings, an API key and invoices; a tenant awaiting approval.")

    def handle(self, *args, **options):
        call_command("setup_platform", stdout=self.stdout)
        demo.seed(write=self.stdout.write)
        self.print_summary()

    def print_summary(self):
        self.stdout.write(self.style.SUCCESS("\nDemo ready. Password for every login: " + settings.DEMO_PASSWORD))
        self.stdout.write(f"  Ops portal   {absolute_url('/admin/')}        {HQ_EMAIL}  (then a TOTP code: "
                          f"`manage.py demo_totp`, or secret {settings.DEMO_TOTP_SECRET} in an authenticator app)")
        for spec, staff in demo.logins():
            host = absolute_url("/", host=domain_for(spec["slug"])).rstrip("/")
            self.stdout.write(f"  {spec['name']:<12} {host}/admin/   API: {host}/api/docs/ "
                              f"(token: POST {host}/api/v1/auth/token/)")
            self.stdout.write(f"  {'':<12}   {'owner':<8} {spec['owner_email']}")
            for role, email, branches in staff:
                self.stdout.write(f"  {'':<12}   {role:<8} {email:<28} ({branches})")
        self.stdout.write(f"  Onboarding   {absolute_url('/admin/onboarding/')}  {AWAITING['name']} awaits approval")
        self.stdout.write(f"  Health       {absolute_url('/health/')}\n")
