"""Shared API pieces: the documented error shape, and no-store for responses with secrets."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                # Its enum and description: apps.core.openapi.document_error_codes.
                "code": serializers.CharField(help_text="Stable machine-readable code."),
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


def add_no_store(response):
    """RFC 6749 5.1: a response carrying tokens or secrets must not be stored by caches."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class NoStoreMixin:
    """For API views whose responses carry tokens or secrets (token pairs, a new key, an
    accepted invitation): every response, success or error, says `Cache-Control: no-store`."""

    def finalize_response(self, request, response, *args, **kwargs):
        return add_no_store(super().finalize_response(request, response, *args, **kwargs))
