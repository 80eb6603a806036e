"""The academy's reads, scoped by the RBAC that exists (apps.authz): a permission's
grant reaches the whole workspace, the user's branches, or — the `own` scope — what is
the user's own: for a teacher the classes they teach (or substitute a session of), those
classes' sessions and the students enrolled in them. Per-object grants (django-guardian)
add to each. Pass the request's `access` (the active role counts) or let it be computed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from apps.authz.access import Access, Grant
from apps.crm import selectors as crm_selectors

from .models import Attendance, Class, Enrolment, Session, StudentProfile

if TYPE_CHECKING:
    from apps.crm.models import Customer

LIVE = ~Q(status=Enrolment.Status.WITHDRAWN)


def _access(user, access: Access | None) -> Access:
    if access is None:
        from apps.authz.sources import access_for

        access = access_for(user=user)
    return access


def _reach(queryset: QuerySet, access: Access, perm: str, *, branch: Callable[[set], Q], own: Callable[[int], Q],
           granted: Callable[[QuerySet], Q]) -> QuerySet:
    """Rows `perm` reaches: all of them (tenant scope); else `branch(branch ids)` for a
    branch grant, `own(user id)` for the own scope and `granted(rows granted per object)`."""
    grant = access.grant(perm)
    if grant is None:
        return queryset.none()
    if grant.everywhere:
        return queryset
    condition = Q(pk__in=[])
    if grant.branch_ids:
        condition |= branch(grant.branch_ids)
    user_id = getattr(access.user, "pk", None)
    if user_id is not None:
        if grant.own:
            condition |= own(user_id)
        condition |= granted(access)
    return queryset.filter(condition)


def access_as(access: Access, perm: str, view_perm: str) -> Access:
    """`access` narrowed to what `perm` reaches, asked as `view_perm` (the permission the
    scope selectors read): a method's or a page's own grant decides which rows it may touch."""
    grant = access.grant(perm)
    return Access(user=access.user, grants={view_perm: grant} if grant is not None else {})


def _per_object(access: Access, perm: str, model) -> QuerySet:
    """`model` rows on which the user holds `perm` per object (authz's scope_filter with
    no branch field and no workspace grant: exactly the object grants)."""
    limited = Access(user=access.user, grants={perm: Grant()})
    return limited.scope_filter(model.objects.all(), perm, branch_field=None).values("pk")


def _taught_by(user_id: int) -> Q:
    """Classes the user teaches, or substitutes at least one session of."""
    return Q(teacher_id=user_id) | Q(pk__in=Session.objects.filter(substitute_teacher_id=user_id).values("klass_id"))


def classes_visible_to(*, user, access: Access | None = None) -> QuerySet[Class]:
    """Classes the user may see (`academy.view_class`), with course and branch loaded."""
    access = _access(user, access)
    perm = "academy.view_class"
    queryset = Class.objects.select_related("course", "branch")
    return _reach(queryset, access, perm, branch=lambda ids: Q(branch_id__in=ids), own=_taught_by,
                  granted=lambda access: Q(pk__in=_per_object(access, perm, Class)))


def sessions_visible_to(*, user, access: Access | None = None) -> QuerySet[Session]:
    """Sessions the user may see (`academy.view_session`): own scope, the sessions of
    the classes they teach and those they substitute."""
    access = _access(user, access)
    perm = "academy.view_session"
    queryset = Session.objects.select_related("klass__course", "klass__branch")
    return _reach(queryset, access, perm, branch=lambda ids: Q(klass__branch_id__in=ids),
                  own=lambda user_id: Q(klass__teacher_id=user_id) | Q(substitute_teacher_id=user_id),
                  granted=lambda access: Q(pk__in=_per_object(access, perm, Session)))


def _students_reach(queryset: QuerySet[Customer], access: Access) -> QuerySet[Customer]:
    """`queryset` narrowed to the customers `academy.view_studentprofile` reaches: branch
    scope, those of the branches or enrolled in their classes; own scope, those enrolled
    (or waiting) in the classes the user teaches."""
    perm = "academy.view_studentprofile"

    def enrolled_in(classes: Q) -> Q:
        return Q(pk__in=Enrolment.objects.filter(LIVE).filter(klass__in=Class.objects.filter(classes))
                 .values("student_id"))

    return _reach(queryset, access, perm,
                  branch=lambda ids: Q(branch_id__in=ids) | enrolled_in(Q(branch_id__in=ids)),
                  own=lambda user_id: enrolled_in(_taught_by(user_id)),
                  granted=lambda access: Q(student_profile__in=_per_object(access, perm, StudentProfile)))


def students_visible_to(*, user, access: Access | None = None) -> QuerySet[Customer]:
    """Students (live customers with a student profile) the user may see
    (`academy.view_studentprofile`, see `_students_reach`)."""
    queryset = (crm_selectors.customers_live().filter(student_profile__isnull=False)
                .select_related("branch", "student_profile").prefetch_related(crm_selectors.guardians_prefetch()))
    return _students_reach(queryset, _access(user, access))


def customers_enrollable_by(*, user, access: Access | None = None) -> QuerySet[Customer]:
    """Live customers the user may enrol: the students they may see, and customers of
    their branches who are no student yet (enrolling makes them one)."""
    return _students_reach(crm_selectors.customers_live(), _access(user, access))


# --- Rosters ----------------------------------------------------------------------------


def seats_free(*, klass: Class) -> int:
    return max(klass.capacity - Enrolment.objects.filter(klass=klass, status__in=Enrolment.SEAT_HOLDING).count(), 0)


def class_roster(*, klass: Class) -> QuerySet[Enrolment]:
    """The students in the room (pending payment and active), by name."""
    return (Enrolment.objects.filter(klass=klass, status__in=Enrolment.ATTENDING).select_related("student", "order")
            .order_by("student__name", "pk"))


def waitlist(*, klass: Class) -> QuerySet[Enrolment]:
    """Who waits for a seat, first in line first (offered seats before the waiting)."""
    return (Enrolment.objects.filter(klass=klass, status__in=[Enrolment.Status.OFFERED, Enrolment.Status.WAITLISTED])
            .select_related("student").order_by("status", "waitlist_position", "pk"))


def session_attendance(*, session: Session) -> list[tuple[Enrolment, Attendance | None]]:
    """The session's roster with each student's attendance (two queries)."""
    marked = {row.student_id: row for row in Attendance.objects.filter(session=session)}
    return [(enrolment, marked.get(enrolment.student_id)) for enrolment in class_roster(klass=session.klass)]


def classes_with_seats(*, queryset: QuerySet[Class]) -> QuerySet[Class]:
    """`queryset` annotated with `seats_taken` (one query for any number of classes)."""
    return queryset.annotate(seats_taken=Count("enrolments", filter=Q(
        enrolments__status__in=Enrolment.SEAT_HOLDING)))
