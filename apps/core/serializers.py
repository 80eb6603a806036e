"""Serializer fields shared by the APIs."""

import copy

from django.utils import timezone
from rest_framework import serializers


class StrictTextMixin:
    """Only a JSON string is text: DRF's CharField would quietly turn 5 or 1.5 into "5"."""

    default_error_messages = {"not_text": serializers.CharField.default_error_messages["invalid"]}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class StrictCharField(StrictTextMixin, serializers.CharField):
    pass


class StrictSlugField(StrictTextMixin, serializers.SlugField):
    pass


class StoredPhoneField(serializers.CharField):
    """A phone number read from a model's PhoneNumberField, answered as stored: E.164 for a
    valid number (what PhoneNumberField stores), the text as entered otherwise. The same
    answer as phonenumber_field's serializer field, without validating a stored E.164
    number again on every read (the slowest part of a customer list row)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return stored_phone(value)


# What DRF's fields answer for a value read, for serializers that write their answer out
# (apps.accounts.serializers.MeOutput, apps.crm.serializers.CustomerOutput): a test of
# each holds its answer equal to DRF's field-by-field one.


def text(value) -> str | None:
    """CharField, EmailField, UUIDField (None stays None)."""
    return None if value is None else str(value)


def stored_phone(value) -> str | None:
    """StoredPhoneField: E.164 for a valid stored number, the text as entered otherwise."""
    if value is None:
        return None
    raw = getattr(value, "raw_input", None)  # the text it was read from
    if raw and raw[0] == "+" and raw[1:].isdigit():
        return raw  # E.164 already (a number typed in another form is formatted below)
    return str(value)


def iso_date(value) -> str | None:
    """DateField: ISO 8601."""
    return value.isoformat() if value else None


def iso_datetime(value, zone=None) -> str | None:
    """DateTimeField: ISO 8601 in the active time zone (`zone`: it, read once by a caller
    writing several), UTC written as Z."""
    if not value:
        return None
    zone = zone or timezone.get_current_timezone()
    value = value.astimezone(zone) if timezone.is_aware(value) else timezone.make_aware(value, zone)
    written = value.isoformat()
    return written[:-6] + "Z" if written.endswith("+00:00") else written


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, building its fields from the model once per class rather than
    on every use: DRF introspects the model's fields (types, labels, validators, extra
    kwargs) each time a serializer is made, which was a tenth of a 20-row list's time.
    Each use gets its own deep copy, as DRF does with declared fields, so a serializer may
    still change its own `fields` (e.g. pop one) without touching the next one's."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()  # depends on the class only (Meta, declared fields)
            cls._fields_built = built
        return copy.deepcopy(built)
