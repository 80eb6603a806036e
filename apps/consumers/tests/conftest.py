import pytest

from tests.plugin import client_for

JSON = "application/json"
NEW_PASSWORD = "Quiet-harbour-2026"


def registration(email="minji@example.com", **overrides):
    body = {"email": email, "password": NEW_PASSWORD, "name": "Kim Minji", "phone": "010-2345-6789",
            "language": "ko", "consents": {"terms": True, "privacy": True, "marketing": True}}
    body.update(overrides)
    return body


def register(slug="alpha", capture=None, **body):
    """POST the registration (`capture`: django_capture_on_commit_callbacks, to run the
    after-commit e-mail)."""
    client = client_for(slug, REMOTE_ADDR="198.51.100.7")
    if capture is None:
        return client.post("/api/v1/auth/register/", registration(**body), content_type=JSON)
    with capture(execute=True):
        return client.post("/api/v1/auth/register/", registration(**body), content_type=JSON)


def consumer_client(slug, access):
    return client_for(slug, HTTP_AUTHORIZATION=f"Bearer {access}")


@pytest.fixture
def registered(db, django_capture_on_commit_callbacks):
    """A consumer of alpha, registered through the API: (response body, client with their token)."""
    response = register(capture=django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    body = response.json()
    return body, consumer_client("alpha", body["tokens"]["access"])
