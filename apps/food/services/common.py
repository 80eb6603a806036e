"""What the food services share: the audit row in the form the audit-label check reads,
and the branch's local clock."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.audit.services import audit_record
from apps.branches.hours import branch_zone
from apps.rbac.tenancy import current_tenant


def _audit(action: str, *, actor, target=None, changes=None, metadata=None) -> None:
    audit_record(action=action, actor=actor, target=target, tenant=current_tenant(), changes=changes,
                 metadata=metadata)


def local_now(branch, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()).astimezone(branch_zone(branch))
