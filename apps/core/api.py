"""Shared API pieces: the documented error shape."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(help_text="Stable machine-readable code, e.g. token_not_valid."),
                "message": serializers.CharField(help_text="A sentence a person understands."),
                "details": serializers.DictField(help_text="Field errors or extra facts."),
            },
        )
    },
)

ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`validation_error`)."),
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated or token rejected."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed."),
}
