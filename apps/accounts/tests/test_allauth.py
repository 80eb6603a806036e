"""allauth: email login, email verification and password reset, on any host."""

import re

from django.core import mail

from apps.accounts.models import User
from tests.plugin import PASSWORD, client_for


def test_login_page_renders_on_public_and_tenant_hosts(db):
    for slug in (None, "alpha"):
        response = client_for(slug).get("/accounts/login/")
        assert response.status_code == 200
        assert 'name="login"' in response.content.decode()


def test_unverified_email_must_be_verified_before_login(db, owner_alpha):
    client = client_for(None)
    response = client.post("/accounts/login/", {"login": owner_alpha.email, "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/confirm-email/" in response["Location"]
    assert "_auth_user_id" not in client.session
    body = mail.outbox[-1].body
    key_url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", body).group(1)
    client.post(key_url)
    response = client.post("/accounts/login/", {"login": owner_alpha.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner_alpha.pk)


def test_password_reset_by_email(db, owner_beta):
    client = client_for("beta")
    response = client.post("/accounts/password/reset/", {"email": "OWNER@beta.test"})
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["owner@beta.test"]
    link = re.search(r"https?://([^/\s]+)(/accounts/password/reset/key/[^\s]+)", message.body)
    assert link.group(1).startswith("beta.localhost")  # the link returns to the same host
    form_url = client.get(link.group(2)).url
    response = client.post(form_url, {"password1": "A-new-pass-2026!", "password2": "A-new-pass-2026!"})
    assert response.status_code == 302
    assert User.objects.get(pk=owner_beta.pk).check_password("A-new-pass-2026!")


def test_signup_is_closed_by_default(db):
    response = client_for(None).get("/accounts/signup/")
    assert "closed" in response.content.decode().lower()
