"""Audit retention: events older than the retention period (AUDIT_RETENTION_DAYS, run
daily by apps.ops.retention) leave the database for an archive file, and a signed
checkpoint keeps the chain verifiable.

Per chain, the archived segment is the run of events from the last checkpoint up to the
first event that is still recent (the chain's order is its numbers; a late-committed event
a second older than its predecessor stays with it). Before anything is deleted the segment
is verified (hashes and links, from the last checkpoint's hash: a tampered segment is never
archived, the chain is left as it is and reported) and written to
ARCHIVE_ROOT/audit/chain-<id>/<owner>-<first>-<last>.jsonl.gz, one JSON object per event
(its id, the hashed content and its hash: `manage.py verify_audit_archive FILE` re-checks
every line against the checkpoint). Then, in one transaction holding the chain's head lock,
the checkpoint row is written (range, count, first and last time, the hash before the
segment and its last hash, the file's SHA-256, the previous checkpoint's signature, all
signed) and the rows are deleted. A crash between the file and the commit leaves a file
without a checkpoint, rewritten by the next run; never rows deleted without a file.

The archive files are not deleted by the platform: keep them as long as the law requires
(README "Retention")."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from .checkpoints import chain_checkpoints, checkpoint_problems, checkpoint_signature
from .models import GENESIS, AuditChain, AuditCheckpoint, AuditEvent
from .services import content_hash, event_content

CHUNK = 2000


@dataclass
class ArchiveResult:
    chain_id: int
    label: str
    archived: int = 0
    checkpoint: AuditCheckpoint | None = None
    problems: list[str] = field(default_factory=list)


def archive_root() -> Path:
    return Path(settings.ARCHIVE_ROOT)


def audit_archive(*, before: datetime) -> list[ArchiveResult]:
    """Archive and delete, chain by chain, the events created before `before`."""
    chain_ids = sorted(set(AuditEvent.objects.filter(created_at__lt=before)
                           .values_list("chain_id", flat=True).distinct()))
    return [_archive_chain(chain_id, before) for chain_id in chain_ids]


def _segment_end(chain_id: int, start_seq: int, before: datetime) -> int:
    """The last number of the segment to archive (start_seq when there is none)."""
    events = AuditEvent.objects.filter(chain_id=chain_id, seq__gt=start_seq)
    first_recent = events.filter(created_at__gte=before).order_by("seq").values_list("seq", flat=True).first()
    if first_recent is not None:
        return first_recent - 1
    return events.order_by("-seq").values_list("seq", flat=True).first() or start_seq


def _archive_chain(chain_id: int, before: datetime) -> ArchiveResult:
    chain = AuditChain.objects.filter(pk=chain_id).first()
    result = ArchiveResult(chain_id=chain_id, label=chain.label if chain else f"chain {chain_id}")
    if chain is None:
        result.problems.append(f"{result.label}: its head is missing; not archived")
        return result
    checkpoints = chain_checkpoints(chain_id)
    result.problems += checkpoint_problems(result.label, checkpoints)
    if result.problems:
        return result
    last = checkpoints[-1] if checkpoints else None
    start_seq, start_hash = (last.to_seq, last.last_hash) if last else (0, GENESIS)
    end_seq = _segment_end(chain_id, start_seq, before)
    if end_seq <= start_seq:
        return result
    name = f"{chain.tenant_slug or 'platform'}-{start_seq + 1:012d}-{end_seq:012d}.jsonl.gz"
    relative = Path("audit") / f"chain-{chain_id}" / name
    written = _write_segment(chain_id, start_seq, start_hash, end_seq, archive_root() / relative, result)
    if written is None:
        return result
    sha256, from_time, to_time, last_hash = written
    with transaction.atomic():
        head = AuditChain.objects.select_for_update().get(pk=chain_id)
        latest = chain_checkpoints(chain_id)
        if (latest[-1].pk if latest else None) != (last.pk if last else None):  # another run archived meanwhile
            result.problems.append(f"{result.label}: archived by another run meanwhile; skipped")
            return result
        checkpoint = AuditCheckpoint(
            chain=head, from_seq=start_seq + 1, to_seq=end_seq, count=end_seq - start_seq, first_prev_hash=start_hash,
            last_hash=last_hash, from_time=from_time, to_time=to_time, archive_path=relative.as_posix(),
            archive_sha256=sha256, previous_signature=last.signature if last else "")
        checkpoint.signature = checkpoint_signature(checkpoint)
        checkpoint.save()
        with connection.cursor() as cursor:  # the model refuses deletes: only this service prunes
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE chain_id = %s AND seq > %s AND seq <= %s",
                           [chain_id, start_seq, end_seq])
            deleted = cursor.rowcount
        if deleted != checkpoint.count:
            raise RuntimeError(f"{result.label}: {deleted} rows deleted for {checkpoint.count} archived")
    result.archived, result.checkpoint = checkpoint.count, checkpoint
    return result


def _write_segment(chain_id, start_seq, start_hash, end_seq, path: Path, result: ArchiveResult):
    """Verify the rows (start_seq, end_seq] while writing them to `path`. Returns (sha256,
    first time, last time, last hash), or None (and the problems) when the segment is broken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    expected_seq, expected_prev = start_seq + 1, start_hash
    first_time = last_time = None
    rows = AuditEvent.objects.filter(chain_id=chain_id, seq__gt=start_seq, seq__lte=end_seq).order_by("seq")
    with temporary.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        for event in rows.iterator(chunk_size=CHUNK):
            content = event_content(event)
            if content_hash(content) != event.hash or event.seq != expected_seq or event.prev_hash != expected_prev:
                result.problems.append(f"{result.label}: event {event.pk} (number {event.seq}) does not verify; "
                                       "the chain was not archived (run verify_audit_log)")
                break
            out.write(json.dumps({"id": event.pk, **content, "hash": event.hash}, sort_keys=True,
                                 separators=(",", ":"), default=str).encode() + b"\n")
            first_time = first_time or event.created_at
            last_time = event.created_at
            expected_seq, expected_prev = event.seq + 1, event.hash
        raw.flush()
        os.fsync(raw.fileno())
    if not result.problems and expected_seq != end_seq + 1:
        result.problems.append(f"{result.label}: events {expected_seq}-{end_seq} are missing; not archived")
    if result.problems:
        temporary.unlink(missing_ok=True)
        return None
    os.replace(temporary, path)
    return file_sha256(path), first_time, last_time, expected_prev


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Verifying an archive file ------------------------------------------------------------


class UnknownArchive(LookupError):
    pass


def checkpoint_for_file(path: Path) -> AuditCheckpoint:
    """The checkpoint that recorded this file (by its path under ARCHIVE_ROOT, else its name)."""
    path = Path(path)
    try:
        relative = path.resolve().relative_to(archive_root().resolve()).as_posix()
    except ValueError:
        relative = None
    checkpoint = AuditCheckpoint.objects.filter(archive_path=relative).first() if relative else None
    if checkpoint is None:
        checkpoint = AuditCheckpoint.objects.filter(archive_path__endswith=f"/{path.name}").first()
    if checkpoint is None:
        raise UnknownArchive(str(path))
    return checkpoint


def archive_problems(checkpoint: AuditCheckpoint) -> list[str]:
    """What is wrong with a checkpoint's archive file (missing, altered), if anything."""
    path = archive_root() / checkpoint.archive_path
    if not path.is_file():
        return [f"{path}: missing (the archive of events {checkpoint.from_seq}-{checkpoint.to_seq} of chain "
                f"{checkpoint.chain_id})"]
    return audit_verify_archive(path)[1]


def audit_verify_archive(path: Path) -> tuple[AuditCheckpoint, list[str]]:
    """Check an archive file against its checkpoint: the checkpoint's signature, the file's
    SHA-256, and every line (its hash, its number and link, the count, the last hash)."""
    checkpoint = checkpoint_for_file(path)
    problems = []
    if not hmac.compare_digest(checkpoint_signature(checkpoint), checkpoint.signature):
        problems.append(f"checkpoint {checkpoint.pk}: signature does not match (the checkpoint was edited)")
    if file_sha256(Path(path)) != checkpoint.archive_sha256:
        problems.append(f"{path}: SHA-256 differs from the checkpoint's (the file was altered or replaced)")
    expected_seq, expected_prev, count = checkpoint.from_seq, checkpoint.first_prev_hash, 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                content = json.loads(line)
                count += 1
                if content_hash(content) != content.get("hash"):
                    problems.append(f"{path}: line {number} (event {content.get('id')}): content does not match "
                                    "its hash (edited)")
                if content.get("seq") != expected_seq or content.get("prev_hash") != expected_prev:
                    problems.append(f"{path}: line {number} (event {content.get('id')}): chain broken")
                if content.get("chain_id") != checkpoint.chain_id:
                    problems.append(f"{path}: line {number}: belongs to another chain")
                expected_seq, expected_prev = (content.get("seq") or 0) + 1, content.get("hash")
    except (OSError, EOFError, ValueError) as exc:
        problems.append(f"{path}: unreadable ({exc})")
        return checkpoint, problems
    if count != checkpoint.count:
        problems.append(f"{path}: {count} events, the checkpoint archived {checkpoint.count}")
    if expected_prev != checkpoint.last_hash:
        problems.append(f"{path}: its last event is not the one the checkpoint recorded")
    return checkpoint, problems
