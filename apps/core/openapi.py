"""OpenAPI generation (drf-spectacular): the error responses every operation can give,
documented once here instead of on each view, so that the schema says what the API
really answers.

`AutoSchema` is DEFAULT_SCHEMA_CLASS. It adds, in the platform error shape, the
responses an operation can give whatever its view says (a view's own entry wins): 400
when it takes input (a body, query or header parameters), 401 when it authenticates,
403 (also a suspended workspace), 404 (also an unknown workspace host), 406, 409 on
writes, 422 on writes, 415 with a body, 429 (rate limits apply to every API path); errors are always
JSON. It also leaves out the methods a workspace view inherits but answers 405 to
(`perms` has no entry for them).

`document_error_codes` (a postprocessing hook, SPECTACULAR_SETTINGS) lists every
registered error code (apps.core.errors) in the error body's `code`: an enum, and a
description with each code's status and message. It runs when a schema is generated,
when every app has registered its errors.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiResponse

from .api import ErrorSerializer
from .errors import error_codes

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

_DESCRIPTIONS = {
    "400": "Invalid input: `validation_error` with `details` per field (also unknown or invalid filter values).",
    "401": "Not authenticated, or the token or key was rejected (`not_authenticated`, `token_not_valid`, "
           "`api_key_invalid`, ...).",
    "403": "Not allowed (`permission_denied`, ...), or the workspace is suspended (`tenant_suspended`).",
    "404": "Not found: an unknown id, a record outside your scope, or no workspace at this address "
           "(`not_found`, `tenant_not_found`).",
    "406": "None of the media types in `Accept` can be produced (`not_acceptable`).",
    "409": "The current state does not allow this (`conflict` or a more specific code).",
    "422": "Well-formed but not acceptable as asked: an Idempotency-Key reused with another request, an amount "
           "above what is allowed, ... (the code says which).",
    "415": "The request body's media type is not accepted (`unsupported_media_type`).",
    "429": "Rate limit reached (`rate_limited`); `Retry-After` says when to try again.",
}


class AutoSchema(SpectacularAutoSchema):
    def is_excluded(self) -> bool:
        # Workspace views declare a permission per method; a method they inherit without
        # one answers 405 and is not part of the API.
        perms = getattr(self.view, "perms", None)
        if isinstance(perms, dict) and perms and self.method not in perms and "*" not in perms:
            return True
        return super().is_excluded()

    def get_description(self) -> str:
        # A view's own docstring, or its handler's, describes the operation. drf-spectacular
        # also lends a base class's docstring to every subclass without one ("Rows of the
        # students the method's grant reaches." on a dozen academy operations): not here.
        handler = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        own = type(self.view).__dict__.get("__doc__")
        return get_doc(handler) or (get_doc(type("Doc", (), {"__doc__": own})) if own else "")

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._generic_error_codes(operation):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code]), code)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        # Errors are JSON whatever the view renders on success (CSV, the schema's YAML).
        if media_types is None and str(status_code) >= "400":
            media_types = ["application/json"]
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _generic_error_codes(self, operation) -> list[str]:
        codes = ["403", "404", "406", "429"]
        has_body = "requestBody" in operation
        # Path parameters that do not match never reach the view (404); any other input can be invalid.
        if has_body or any(parameter.get("in") != "path" for parameter in operation.get("parameters", [])):
            codes.append("400")
        if self.view.get_authenticators():
            codes.append("401")
        if self.method in WRITE_METHODS:
            codes.extend(["409", "422"])
        if has_body:
            codes.append("415")
        return codes


def document_error_codes(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error body's `code` is one of the
    registered codes, each described as `code` (status): message."""
    body = result.get("components", {}).get("schemas", {}).get("ErrorBody")
    if body is not None:
        codes = error_codes()
        body["properties"]["code"] = {
            "type": "string",
            "enum": [code for code, _status, _message in codes],
            "description": "Stable machine-readable code. Every code, with its HTTP status and usual message "
                           "(a response may give a more specific one):\n\n"
                           + "\n".join(f"- `{code}` ({status}): {message}" for code, status, message in codes),
        }
    return result
