"""Write the usage rows of a day (yesterday by default) for every live tenant, or some:
`manage.py collect_usage [--day YYYY-MM-DD | --days N] [--tenant SLUG ...]`. Safe to
re-run: a day's row is rewritten, not added (apps.billing.usage)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from apps.billing.usage import live_tenants, usage_collect
from apps.core.clock import platform_today


class Command(BaseCommand):
    help = "Collect (or backfill) the per-tenant daily usage rows."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="The day to collect (YYYY-MM-DD); default yesterday.")
        parser.add_argument("--days", type=int, default=0, help="Backfill the last N days (ending yesterday).")
        parser.add_argument("--tenant", action="append", default=[], help="Only this tenant (slug); repeatable.")

    def handle(self, *args, **options):
        yesterday = platform_today() - dt.timedelta(days=1)
        try:
            days = [dt.date.fromisoformat(options["day"])] if options["day"] else [yesterday]
        except ValueError as exc:
            raise CommandError(f"--day: {exc}") from exc
        if options["days"]:
            days = [yesterday - dt.timedelta(days=n) for n in range(options["days"] - 1, -1, -1)]
        tenants = live_tenants()
        if options["tenant"]:
            tenants = tenants.filter(slug__in=options["tenant"])
            missing = set(options["tenant"]) - set(tenants.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"no live tenant: {', '.join(sorted(missing))}")
        for day in days:
            result = usage_collect(day=day, tenants=list(tenants))
            self.stdout.write(f"{result['day']}: {len(result['collected'])} collected, {len(result['failed'])} failed"
                              + (f" ({', '.join(result['failed'])})" if result["failed"] else ""))
