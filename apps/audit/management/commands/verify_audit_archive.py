from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.audit.retention import UnknownArchive, audit_verify_archive


class Command(BaseCommand):
    help = ("Check an audit archive file (ARCHIVE_ROOT/audit/...) against the checkpoint that recorded it: the "
            "checkpoint's signature, the file's SHA-256 and every archived event's hash and link.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files=(), **options):
        failed = 0
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                checkpoint, problems = audit_verify_archive(path)
            except UnknownArchive:
                raise CommandError(f"No checkpoint records {path}: not an archive of this platform.") from None
            if problems:
                failed += 1
                for problem in problems[:50]:
                    self.stderr.write(problem)
            else:
                self.stdout.write(self.style.SUCCESS(
                    f"{path}: intact, events {checkpoint.from_seq}-{checkpoint.to_seq} of chain {checkpoint.chain_id} "
                    f"({checkpoint.count} events)."))
        if failed:
            raise CommandError(f"Audit archive TAMPERED: {failed} of {len(files)} file(s).")
