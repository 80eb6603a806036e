"""Phone numbers as people read them in the admin: a number of the default region (Korea)
in its national format (010-1234-5678), any other in the international one
(+1 202-555-0100). Display only: the stored value and the API stay E.164.

- `phone_display(value)`: the text;
- `phone_column(Model, "phone")`: a changelist column (sorts by the stored number);
- `use_national_phone_widgets()`: both admin sites' forms show numbers the same way
  (django-unfold's text input would show E.164), called once by apps.core.admin_sites.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import admin
from django.utils.text import capfirst
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumbers import country_code_for_region, region_codes_for_country_code
from unfold.widgets import UnfoldAdminTextInputWidget

_DIALLED = re.compile(r"^\+?[\d\s().-]+$")


def phone_search_digits(term: str) -> str | None:
    """What a stored E.164 number contains when someone searches for it as they write it:
    "010-5678-9005" or "01056789005" -> "821056789005" (a national number's leading 0 as
    the default region's country code), "5678-9005" -> "56789005". None when the term is
    not a number (fewer than 4 digits, or anything but digits, spaces, dashes, dots,
    brackets and a leading +), so that other searches are left as they are."""
    term = term.strip()
    if not _DIALLED.match(term):
        return None
    digits = re.sub(r"\D", "", term)
    if len(digits) < 4:
        return None
    if not term.startswith("+") and digits.startswith("0"):
        digits = f"{country_code_for_region(settings.PHONENUMBER_DEFAULT_REGION)}{digits[1:]}"
    return digits


def phone_display(value) -> str:
    if not value:
        return ""
    number = value if isinstance(value, PhoneNumber) else to_python(value, region=settings.PHONENUMBER_DEFAULT_REGION)
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        return str(value)
    if settings.PHONENUMBER_DEFAULT_REGION in region_codes_for_country_code(number.country_code):
        return number.as_national
    return number.as_international


def phone_column(model, field: str = "phone"):
    """A list_display entry for `model.field`, headed by the field's name."""

    @admin.display(description=capfirst(model._meta.get_field(field).verbose_name), ordering=field)
    def column(obj):
        return phone_display(getattr(obj, field)) or "-"

    column.__name__ = f"{field}_display"
    return column


class AdminPhoneInput(UnfoldAdminTextInputWidget):
    input_type = "tel"

    def format_value(self, value):
        return phone_display(value) or super().format_value(value)


def use_national_phone_widgets() -> None:
    """Every phone field in both admins' forms, list and inline alike, uses AdminPhoneInput."""
    from unfold.overrides import FORMFIELD_OVERRIDES, FORMFIELD_OVERRIDES_INLINE

    for overrides in (FORMFIELD_OVERRIDES, FORMFIELD_OVERRIDES_INLINE):
        overrides[PhoneNumberField] = {"widget": AdminPhoneInput}
