"""Signed checkpoints of archived audit segments (apps.audit.retention writes them).

A checkpoint's signature is an HMAC-SHA256, keyed by AUDIT_CHECKPOINT_KEY (else a key
derived from SECRET_KEY), over everything it records, including the signature of the
chain's checkpoint before it. Verification (apps.audit.services) checks every checkpoint of
a chain, in order: signed, continuous (each segment starts where the one before ended, from
its last hash; the first from number 1 and the genesis hash), and then walks the rows left
in the table from the last checkpoint's hash."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings

from .models import GENESIS, AuditCheckpoint

SIGNED_FIELDS = ("chain_id", "from_seq", "to_seq", "count", "first_prev_hash", "last_hash", "from_time", "to_time",
                 "archive_path", "archive_sha256", "previous_signature")


def _key() -> bytes:
    configured = getattr(settings, "AUDIT_CHECKPOINT_KEY", "")
    if configured:
        return configured.encode()
    return hashlib.sha256(f"apps.audit.checkpoints:{settings.SECRET_KEY}".encode()).digest()


def checkpoint_signature(checkpoint: AuditCheckpoint) -> str:
    content = {}
    for name in SIGNED_FIELDS:
        value = getattr(checkpoint, name)
        content[name] = value.isoformat() if hasattr(value, "isoformat") else value
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


def chain_checkpoints(chain_id: int) -> list[AuditCheckpoint]:
    return list(AuditCheckpoint.objects.filter(chain_id=chain_id).order_by("to_seq", "pk"))


def checkpoint_problems(label: str, checkpoints: list[AuditCheckpoint]) -> list[str]:
    """What is wrong with a chain's checkpoints (oldest first)."""
    problems = []
    expected_seq, expected_prev, expected_signature = 1, GENESIS, ""
    for checkpoint in checkpoints:
        where = f"{label}: checkpoint {checkpoint.pk} (events {checkpoint.from_seq}-{checkpoint.to_seq})"
        if not hmac.compare_digest(checkpoint_signature(checkpoint), checkpoint.signature):
            problems.append(f"{where}: signature does not match (the checkpoint was edited or forged)")
        if checkpoint.from_seq != expected_seq or checkpoint.first_prev_hash != expected_prev:
            problems.append(f"{where}: does not continue the segment before it (a checkpoint was removed or "
                            "altered)")
        elif checkpoint.previous_signature != expected_signature:
            problems.append(f"{where}: names another previous checkpoint (a checkpoint was replaced)")
        if checkpoint.count != checkpoint.to_seq - checkpoint.from_seq + 1:
            problems.append(f"{where}: counts {checkpoint.count} events for {checkpoint.from_seq}-"
                            f"{checkpoint.to_seq}")
        expected_seq, expected_prev = checkpoint.to_seq + 1, checkpoint.last_hash
        expected_signature = checkpoint.signature
    return problems
