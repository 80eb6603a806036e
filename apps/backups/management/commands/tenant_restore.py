import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from apps.backups.archive import Reader
from apps.backups.services import describe_error, restore_from_file
from apps.core.errors import PlatformError


class Command(BaseCommand):
    help = ("Restore a tenant backup: into the tenant it was taken from (its current state is backed up first), "
            "or with --as into a new tenant. The restored data is checked against the backup's manifest; "
            "a mismatch changes nothing and exits non-zero.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="as_slug", default="", help="Create a new tenant with this slug (a copy).")
        parser.add_argument("--yes", action="store_true", help="Do not ask before overwriting the tenant.")

    def handle(self, *args, file, as_slug="", yes=False, **options):
        path = Path(file).resolve()
        try:
            reader = Reader(path)  # missing, damaged, altered: refused before anything else
            source = reader.manifest["tenant"]
            reader.close()
            if not as_slug and not yes:
                self._confirm(source["slug"], reader.manifest["created_at"])
            restore = restore_from_file(path=path, as_slug=as_slug)
        except PlatformError as exc:
            raise CommandError(describe_error(exc)) from exc
        except (DatabaseError, OSError) as exc:  # e.g. a member whose account no longer exists
            raise CommandError(f"The restore failed and its changes were rolled back: {exc}") from exc
        if restore.pre_restore_backup is not None:
            self.stdout.write(f"Backed up the current state first: {restore.pre_restore_backup.path}")
        target = restore.tenant.slug if restore.tenant else as_slug or source["slug"]
        self.stdout.write(f"Restored {path} into {target}: every table matches the backup's row counts and checksums.")

    def _confirm(self, slug: str, created_at: str) -> None:
        self.stdout.write(f"This replaces all data of tenant {slug!r} with the backup of {created_at} "
                          "(the current state is backed up first).")
        self.stdout.write(f"Type the slug ({slug}) to continue: ", ending="")
        self.stdout.flush()
        answer = sys.stdin.readline().strip()
        if answer != slug:
            raise CommandError("Not confirmed: nothing was restored.")
