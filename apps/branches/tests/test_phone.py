"""Branch phone numbers are phone numbers (Korean by default), stored in E.164."""

from tests.workspace import api


def test_branch_phone_is_validated_and_normalised(db):
    owner = api("alpha", "owner@alpha.test")
    refused = owner.post("/api/v1/branches/", {"name": "Bad Phone", "phone": "abc"}, content_type="application/json")
    assert refused.status_code == 400 and "phone" in refused.json()["error"]["details"]
    created = owner.post("/api/v1/branches/", {"name": "Gangnam", "phone": "02-123-4567"},
                         content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["phone"] == "+8221234567"
    changed = owner.patch(f"/api/v1/branches/{created.json()['id']}/", {"phone": "1234"},
                          content_type="application/json")
    assert changed.status_code == 400 and "phone" in changed.json()["error"]["details"]
    named = owner.post("/api/v1/branches/", {"name": 42}, content_type="application/json")
    assert named.status_code == 400 and "name" in named.json()["error"]["details"]
