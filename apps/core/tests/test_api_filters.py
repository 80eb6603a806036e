"""A filter value the API does not understand is a 400 with a field error on every list
(apps.core.filters.FilterBackend), never silently ignored, never a server error."""

import pytest

from tests.workspace import api


@pytest.fixture
def owner(db):
    return api("alpha", "owner@alpha.test")


@pytest.mark.parametrize("path, field", [
    ("/api/v1/branches/?is_active=junk", "is_active"),
    ("/api/v1/roles/?is_system=maybe", "is_system"),
    ("/api/v1/staff/?is_active=yes-ish", "is_active"),
    ("/api/v1/customers/?marketing_consent=junk", "marketing_consent"),
    ("/api/v1/customers/?branch=abc", "branch"),
    ("/api/v1/customers/?created_after=yesterday", "created_after"),
    ("/api/v1/customers/?created_after=9999-12-31T23:59:59-10:00", "created_after"),
])
def test_invalid_filter_values_are_400(owner, path, field):
    response = owner.get(path)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and list(error["details"]) == [field]


@pytest.mark.parametrize("value", ["true", "false", "True", "1", "0", ""])
def test_boolean_filters_accept_the_usual_spellings(owner, value):
    assert owner.get(f"/api/v1/branches/?is_active={value}").status_code == 200


def test_datetime_offsets_beyond_the_database_range_are_converted(owner):
    """PostgreSQL refuses a -18:06 offset; the filter hands it over in UTC."""
    response = owner.get("/api/v1/customers/?created_after=0200-07-13T18:01:24.41-18:06")
    assert response.status_code == 200, response.content


def test_korean_message(owner):
    response = owner.get("/api/v1/branches/?is_active=junk", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.json()["error"]["details"]["is_active"] != ["Use true or false."]


def test_a_list_asked_for_no_filter_builds_no_filterset(owner, monkeypatch):
    """Every list's first page (no filter in the query) skips django-filter's form; a page,
    a search or an ordering alone does too, and a filter still filters."""
    from apps.crm.apis import CustomerFilter

    built = []
    original = CustomerFilter.__init__

    def spy(self, *args, **kwargs):
        built.append(kwargs.get("data"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(CustomerFilter, "__init__", spy)
    for path in ("/api/v1/customers/", "/api/v1/customers/?search=kim&ordering=name&page=1"):
        assert owner.get(path).status_code == 200
    assert built == []
    assert owner.get("/api/v1/customers/?marketing_consent=true").status_code == 200
    assert len(built) == 1


def test_stored_phone_numbers_are_answered_as_phonenumber_field_answers_them():
    from phonenumber_field.phonenumber import to_python
    from phonenumber_field.serializerfields import PhoneNumberField

    from apps.core.serializers import StoredPhoneField

    stored, reference = StoredPhoneField(), PhoneNumberField(read_only=True)
    for value in (to_python("+821012345678"), to_python("010-1234-5678", region="KR"), to_python("12345"),
                  to_python("+8212"), ""):
        assert stored.to_representation(value) == reference.to_representation(value), value
    assert stored.to_representation(to_python("010-1234-5678", region="KR")) == "+821012345678"
