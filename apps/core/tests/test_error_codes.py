"""One registry of error codes (apps.core.errors): each code has one class, one status and
one meaning; call sites never set a code or a status; the OpenAPI schema of each host
lists every code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import exceptions

from apps.core.errors import (
    _REGISTRY,
    Conflict,
    InvalidData,
    NotFound,
    PlatformError,
    api_exception_handler,
    discover_errors,
    error_codes,
)
from tests.plugin import client_for

APPS = Path(__file__).resolve().parents[2]


def error_classes() -> list[type[PlatformError]]:
    discover_errors()
    found, todo = [], [PlatformError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if ".tests." not in cls.__module__]


def test_a_code_defined_twice_stops_the_import():
    before = dict(_REGISTRY)
    with pytest.raises(ImproperlyConfigured) as exc:
        class AnotherNotFound(PlatformError):  # noqa: F841
            code = "not_found"
            status = 404

    assert "apps.core.errors.NotFound" in str(exc.value) and "AnotherNotFound" in str(exc.value)
    assert _REGISTRY == before


def test_a_subclass_keeps_the_code_and_status_it_inherits():
    class NoSuchThing(NotFound):
        message = "There is no such thing."

    error = NoSuchThing(details={"id": 7})
    assert (error.code, error.status, error.message, error.details) == ("not_found", 404, "There is no such thing.",
                                                                       {"id": 7})
    assert _REGISTRY["not_found"].owner == "apps.core.errors.NotFound"
    before = dict(_REGISTRY)
    with pytest.raises(ImproperlyConfigured) as exc:  # another status is another meaning: its own code
        class GoneThing(NotFound):  # noqa: F841
            status = 410

    assert "not_found" in str(exc.value) and "410" in str(exc.value)
    assert _REGISTRY == before


def test_call_sites_cannot_pass_a_code_or_a_status():
    with pytest.raises(TypeError):
        Conflict("Taken.", code="taken")
    with pytest.raises(TypeError):
        InvalidData("Bad.", status=422)


def test_every_code_has_one_class_and_every_class_lives_in_an_errors_module():
    owners: dict[str, str] = {}
    for cls in error_classes():
        assert cls.__module__.endswith(".errors"), f"{cls.__qualname__} is in {cls.__module__}, not an errors module"
        if "code" in cls.__dict__ or cls is PlatformError:
            owner = f"{cls.__module__}.{cls.__qualname__}"
            assert owners.setdefault(cls.code, owner) == owner, f"{cls.code}: {owners[cls.code]} and {owner}"
            assert _REGISTRY[cls.code].owner == owner
            assert _REGISTRY[cls.code].status == cls.status
        else:
            assert _REGISTRY[cls.code].status == cls.status, cls
    codes = [code for code, _status, _message in error_codes()]
    assert codes == sorted(owners) and len(codes) == len(set(codes))
    for code, status, message in error_codes():
        assert 400 <= status < 600 and str(message), code


def _code_schema(slug):
    response = client_for(slug).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response.content[:300]
    return response.json()["components"]["schemas"]["ErrorBody"]["properties"]["code"]


@pytest.mark.parametrize("slug", [None, "alpha"])
def test_the_schema_of_each_host_lists_every_code(db, slug):
    schema = _code_schema(slug)
    codes = error_codes()
    assert schema["enum"] == [code for code, _status, _message in codes]
    for code, status, message in codes:
        assert f"- `{code}` ({status}): {message}" in schema["description"]
    assert "- `invalid_status` (409): " in schema["description"]
    assert "- `token_not_valid` (401): " in schema["description"]


def _called_name(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def test_no_call_site_sets_a_code_or_a_status():
    """An error with another code is another class (in its app's errors module)."""
    names = {cls.__name__ for cls in error_classes()}
    offenders = []
    for path in sorted(APPS.rglob("*.py")):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and _called_name(node) in names:
                keywords = {keyword.arg for keyword in node.keywords} & {"code", "status"}
                if keywords:
                    offenders.append(f"{path.relative_to(APPS.parent)}:{node.lineno}: {_called_name(node)}"
                                     f"({', '.join(sorted(keywords))}=...)")
    assert len(names) > 50
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("exc, status, code", [
    (exceptions.Throttled(wait=3), 429, "rate_limited"),  # DRF's own code ("throttled") is not one of ours
    (exceptions.APIException("Odd."), 500, "error"),
    (exceptions.ParseError(), 400, "parse_error"),
    (exceptions.AuthenticationFailed(), 401, "not_authenticated"),
    (exceptions.AuthenticationFailed("Wrong workspace.", code="token_tenant_mismatch"), 401, "token_tenant_mismatch"),
    (exceptions.PermissionDenied(), 403, "permission_denied"),
    (exceptions.ValidationError({"name": ["Required."]}), 400, "validation_error"),
])
def test_the_exception_handler_answers_only_registered_codes(exc, status, code):
    response = api_exception_handler(exc, {})
    assert response.status_code == status and response.data["error"]["code"] == code
    assert code in _REGISTRY
