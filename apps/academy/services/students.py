"""Students (a profile on a CRM customer) and courses (details on a catalog item)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.catalog.models import Item
from apps.core.changes import diff, model_update, snapshot
from apps.core.errors import InvalidData

from ..errors import NotACourse
from ..models import CourseDetails, StudentProfile
from .common import _audit

PROFILE_FIELDS = ["school", "grade", "notes"]
COURSE_FIELDS = ["subject", "level", "billing"]


def student_profile_set(*, customer, actor, **data) -> StudentProfile:
    """Make `customer` a student, or update their profile (school, grade, notes)."""
    if customer.deleted_at is not None:
        raise InvalidData(details={"customer": [_("This customer was deleted.")]})
    data = {name: str(data[name] or "").strip() for name in PROFILE_FIELDS if name in data}
    with transaction.atomic():
        profile = StudentProfile.objects.select_for_update().filter(customer=customer).first()
        if profile is None:
            profile = StudentProfile(customer=customer, **data)
            profile.full_clean()
            profile.save()
            _audit("academy.student_created", actor=actor, target=profile,
                   changes=diff({}, snapshot(profile, PROFILE_FIELDS)), metadata={"customer": customer.pk})
            return profile
        changes = model_update(profile, data=data, fields=PROFILE_FIELDS)
        if changes:
            _audit("academy.student_updated", actor=actor, target=profile, changes=changes,
                   metadata={"customer": customer.pk})
    return profile


def course_details_set(*, item: Item, actor, subject: str, level: str = "",
                       billing: str = CourseDetails.Billing.MONTHLY) -> CourseDetails:
    """The subject, level and billing (per month or per pass) of a course item."""
    if item.kind != Item.Kind.COURSE:
        raise NotACourse(details={"item": item.pk})
    if not (subject or "").strip():
        raise InvalidData(details={"subject": [_("This field is required.")]})
    if billing not in CourseDetails.Billing.values:
        raise InvalidData(details={"billing": [_("Choose one of: %(choices)s.")
                                               % {"choices": ", ".join(CourseDetails.Billing.values)}]})
    data = {"subject": subject.strip(), "level": (level or "").strip(), "billing": billing}
    with transaction.atomic():
        details = CourseDetails.objects.select_for_update().filter(item=item).first()
        if details is None:
            details = CourseDetails.objects.create(item=item, **data)
            _audit("academy.course_details_set", actor=actor, target=details,
                   changes=diff({}, snapshot(details, COURSE_FIELDS)), metadata={"item": item.pk})
            return details
        changes = model_update(details, data=data, fields=COURSE_FIELDS)
        if changes:
            _audit("academy.course_details_set", actor=actor, target=details, changes=changes,
                   metadata={"item": item.pk})
    return details
