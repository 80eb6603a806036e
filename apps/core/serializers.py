"""Serializer fields shared by the APIs."""

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
