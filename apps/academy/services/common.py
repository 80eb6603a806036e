"""What the academy's services share: the audit row (`_audit(action, ...)`, the form the
audit-label check reads), the teacher check, locked rows and teachers' timetables."""

from __future__ import annotations

from django.db import connection

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


def teachers_locked(*user_ids) -> None:
    """Writes to these teachers' timetables (classes they teach, sessions they teach or
    substitute) take turns until the transaction ends, so that two at once cannot
    double-book a teacher. Transaction-scoped advisory locks, in id order; taken before
    any branch, class or session row (the order every writer follows)."""
    with connection.cursor() as cursor:
        for user_id in sorted({pk for pk in user_ids if pk is not None}):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                           [f"academy.teacher:{connection.schema_name}:{user_id}"])


def person_name(user) -> str:
    return (getattr(user, "full_name", "") or getattr(user, "email", "") or str(user)) if user is not None else ""
