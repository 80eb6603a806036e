from django.core.management.base import BaseCommand, CommandError

from apps.audit.models import AuditCheckpoint
from apps.audit.retention import archive_problems
from apps.audit.services import ChainReport, UnknownChain, audit_chains, audit_verify_chains


class Command(BaseCommand):
    help = ("Prove the audit log is untampered: every row's hash, the links between rows and the head of each "
            "chain (the platform's and one per tenant).")

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--tenant", metavar="SLUG", help="Verify only this tenant's chain.")
        which.add_argument("--platform", action="store_true", help="Verify only the platform's own chain.")
        parser.add_argument("--archives", action="store_true",
                            help="Also check every archive file of those chains against its checkpoint "
                                 "(ARCHIVE_ROOT; see verify_audit_archive).")

    def handle(self, *args, tenant=None, platform=False, archives=False, **options):
        try:
            reports = audit_verify_chains(tenant_slug=tenant, platform=platform)
        except UnknownChain:
            raise CommandError(f"No audit chain for tenant {tenant!r}.") from None
        if archives:
            chain_ids = audit_chains(tenant_slug=tenant, platform=platform).values_list("pk", flat=True)
            for checkpoint in AuditCheckpoint.objects.filter(chain_id__in=list(chain_ids)).order_by("pk"):
                problems = archive_problems(checkpoint)
                if problems:
                    reports.append(ChainReport(label=f"archive {checkpoint.archive_path}", problems=problems))
        events = sum(report.events for report in reports)
        broken = [report for report in reports if report.problems]
        if broken:
            for report in broken:
                self.stderr.write(f"First broken link: {report.problems[0]}")
            problems = [problem for report in broken for problem in report.problems]
            for problem in problems[:50]:
                self.stderr.write(problem)
            raise CommandError(f"Audit log TAMPERED: {len(problems)} problem(s) in {len(broken)} of {len(reports)} "
                               f"chain(s), {events} events.")
        archived = sum(report.archived for report in reports)
        since = f" (after {archived} archived, checked from their signed checkpoints)" if archived else ""
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {events} events in {len(reports)} chain(s) "
                                             f"verified{since}."))
