"""Phone numbers as people read them in the admin: a number of the default region (Korea)
in its national format (010-1234-5678), any other in the international one
(+1 202-555-0100). Display only: the stored value and the API stay E.164.

- `phone_display(value)`: the text;
- `phone_column(Model, "phone")`: a changelist column (sorts by the stored number);
- `use_national_phone_widgets()`: both admin sites' forms show numbers the same way
  (django-unfold's text input would show E.164), called once by apps.core.admin_sites.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.utils.text import capfirst
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumbers import region_codes_for_country_code
from unfold.widgets import UnfoldAdminTextInputWidget


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
