"""What the academy's services share: the audit row (`_audit(action, ...)`, the form the
audit-label check reads), the teacher check, locked rows and teachers' timetables."""

from __future__ import annotations

from django.db import connection

from apps.audit.services import audit_record
from apps.catalog.selectors import item_offered_at
from apps.core.db import xact_lock
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
    for user_id in sorted({pk for pk in user_ids if pk is not None}):
        xact_lock(f"academy.teacher:{connection.schema_name}:{user_id}")


def person_name(user) -> str:
    return (getattr(user, "full_name", "") or getattr(user, "email", "") or str(user)) if user is not None else ""


def billed_per_pass(klass) -> bool:
    """The class's course is billed per pass (attendance uses passes; no tuition); a
    course without course details is billed per month."""
    from ..models import CourseDetails

    return CourseDetails.objects.filter(item_id=klass.course_id, billing=CourseDetails.Billing.PASS).exists()


IDEMPOTENCY_SCOPE = "academy"  # the orders the academy places (enrolments, tuition, passes)


def branch_offering(item, branch):
    """`branch` when it is open and offers `item`, else None (the order is the workspace's)."""
    if branch is None or not branch.is_active or not item_offered_at(item, branch.pk):
        return None
    return branch


def academy_order(*, key: str, customer, item_id: int, branch, kind: str, actor, allowances=()):
    """The order of one `item_id` the academy places under its Idempotency-Key `key`.
    The order placed before under that key answers a retry (after a crash the quote may
    differ, a sibling having enrolled since: the first order stands, and a changed
    request must not be refused as a reused key)."""
    from apps.orders.models import Order
    from apps.orders.selectors import order_by_idempotency
    from apps.orders.services import order_create

    placed = order_by_idempotency(scope=IDEMPOTENCY_SCOPE, key=key)
    if placed is not None:
        return placed
    return order_create(customer=customer, lines=[{"item": item_id, "quantity": 1}],
                        fulfilment=Order.Fulfilment.ON_SITE, branch=branch, kind=kind, actor=actor,
                        idempotency_key=key, idempotency_scope=IDEMPOTENCY_SCOPE, allowances=allowances)
