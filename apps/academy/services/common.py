"""What the academy's services share: the audit row (`_audit(action, ...)`, the form the
audit-label check reads), the teacher check, locked rows."""

from __future__ import annotations

from apps.audit.services import audit_record
from apps.rbac.tenancy import current_tenant
from apps.staff.models import StaffProfile

from ..errors import TeacherNotStaff
from ..models import Class


def _audit(action: str, *, actor, target=None, changes=None, metadata=None) -> None:
    audit_record(action=action, actor=actor, target=target, tenant=current_tenant(), changes=changes,
                 metadata=metadata)


def teacher_check(user) -> None:
    """A teacher (or substitute) is an active staff member here."""
    if user is None or not getattr(user, "is_active", False) or not StaffProfile.objects.filter(
            user_id=user.pk, is_active=True).exists():
        raise TeacherNotStaff(details={"teacher": getattr(user, "pk", None)})


def class_locked(class_id: int) -> Class:
    """The class row, locked until the transaction ends: enrolments of one class (seats,
    waitlist positions, offers) queue behind each other."""
    return Class.objects.select_for_update(of=("self",)).select_related("course", "branch").get(pk=class_id)
