from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.backups.services import backup_create, describe_error
from apps.core.errors import PlatformError
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = ("Back up one tenant (its schema, its public rows, its uploaded files) to one file, with a manifest of "
            "row counts and checksums. Prints the file's path.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", help="The file to write (default: a new file under BACKUP_ROOT/<slug>/).")

    def handle(self, *args, slug, output=None, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None or tenant.is_public:
            raise CommandError(f"There is no tenant {slug!r}.")
        try:
            backup = backup_create(tenant=tenant, output=Path(output).resolve() if output else None)
        except PlatformError as exc:
            raise CommandError(describe_error(exc)) from exc
        except OSError as exc:  # the folder or the disk (recorded on the backup as failed)
            raise CommandError(f"The backup could not be written: {exc}") from exc
        summary = backup.summary
        self.stderr.write(f"{tenant.slug}: {summary['tables']} tables, {summary['rows']} rows, "
                          f"{summary['media_files']} media files, {backup.size} bytes")
        self.stdout.write(backup.path)
