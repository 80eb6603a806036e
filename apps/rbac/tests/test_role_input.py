"""Role input takes text only where text is expected: no quiet coercion of numbers."""

from tests.workspace import api


def test_role_key_and_name_must_be_strings(db):
    owner = api("alpha", "owner@alpha.test")
    for body, field in [({"key": 123, "name": "Numbers"}, "key"), ({"key": "helper", "name": 5}, "name"),
                        ({"key": "helper", "name": "Helper", "description": 1.5}, "description")]:
        response = owner.post("/api/v1/roles/", body, content_type="application/json")
        assert response.status_code == 400, response.content
        assert list(response.json()["error"]["details"]) == [field]
    created = owner.post("/api/v1/roles/", {"key": "helper", "name": "Helper"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["key"] == "helper"
    renamed = owner.patch(f"/api/v1/roles/{created.json()['id']}/", {"name": 7}, content_type="application/json")
    assert renamed.status_code == 400 and "name" in renamed.json()["error"]["details"]
