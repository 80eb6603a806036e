"""Every absolute URL the platform hands out comes from apps.core.urls: the links in the
e-mails actually sent (owner invite, allauth password reset, staff invitation, billing)
and the URLs in API responses (sign-up, checkout) carry the port in development, none
in production, and https behind a TLS proxy."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from apps.accounts.models import User
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Plan
from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.core.urls import absolute_url
from apps.tenants.invites import owner_invite_send
from tests.plugin import PASSWORD, client_for
from tests.workspace import api

DEV = override_settings(PUBLIC_SCHEME="http", PUBLIC_PORT=8000)
PROD = override_settings(PUBLIC_SCHEME="https", PUBLIC_PORT=None, ACCOUNT_DEFAULT_HTTP_PROTOCOL="https",
                         SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
BEHIND_TLS_PROXY = override_settings(PUBLIC_SCHEME="http", PUBLIC_PORT=None,
                                     SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
LINK = re.compile(r"(https?)://([^/\s]+)(/[^\s\"<]*)")


def links(text: str) -> list[tuple[str, str, str]]:
    return LINK.findall(text)


# --- the helper ----------------------------------------------------------------------------


def test_absolute_url_follows_the_settings_not_the_host_header(rf):
    with DEV:
        assert absolute_url("/x/") == "http://localhost:8000/x/"
        assert absolute_url("/x/", host="alpha.localhost") == "http://alpha.localhost:8000/x/"
        # the Host header's port is not validated by ALLOWED_HOSTS: never copied into links
        request = rf.get("/", HTTP_HOST="alpha.localhost:6666")
        assert absolute_url("/x/", request=request) == "http://alpha.localhost:8000/x/"
    with PROD:
        assert absolute_url("/x/") == "https://localhost/x/"
        assert absolute_url("/x/", request=rf.get("/", HTTP_HOST="alpha.localhost")) == "https://alpha.localhost/x/"
    with override_settings(PUBLIC_SCHEME="https", PUBLIC_PORT=443):
        assert absolute_url("/x/") == "https://localhost/x/"  # the scheme's default port is left out
    with BEHIND_TLS_PROXY:
        request = rf.get("/", HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
        assert absolute_url("/x/", request=request) == "https://localhost/x/"
        assert absolute_url("/x/", request=rf.get("/", HTTP_HOST="localhost")) == "http://localhost/x/"
    with pytest.raises(ValueError):
        absolute_url("x/")


# --- sign-up API -------------------------------------------------------------------------------


@pytest.fixture
def self_plan(db):
    return Plan.objects.create(code="self-start", name="Self start", self_signup=True)


def signup(client, slug, **headers):
    response = client.post("/api/v1/platform/signup/", {
        "business_type": "academy", "company_name": "Hana Math", "subdomain": slug, "owner_email": f"me@{slug}.test",
        "plan": "self-start"}, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    return response.json()


def test_signup_response_urls_carry_the_dev_port(self_plan):
    with DEV:
        body = signup(Client(HTTP_HOST="localhost:8000"), "hana")
    assert body["tenant_url"] == "http://hana.localhost:8000/"
    assert body["status_url"].startswith("http://localhost:8000/api/v1/platform/tenants/status/")


def test_signup_response_urls_in_production_and_behind_a_tls_proxy(self_plan):
    with PROD:
        body = signup(client_for(None), "hana", HTTP_X_FORWARDED_PROTO="https")
    assert body["tenant_url"] == "https://hana.localhost/"
    assert body["status_url"].startswith("https://localhost/api/v1/platform/tenants/status/")
    with BEHIND_TLS_PROXY:
        body = signup(client_for(None), "dul", HTTP_X_FORWARDED_PROTO="https")
    assert body["tenant_url"] == "https://dul.localhost/"
    assert body["status_url"].startswith("https://localhost/")


# --- owner invite: the set-password link, then the workspace ----------------------------------


def test_owner_invite_link_has_the_port_and_leads_into_the_workspace(tenant_alpha, owner_alpha,
                                                                   django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with DEV:
        owner_invite_send(user=owner_alpha, tenant=tenant_alpha)
    found = links(mail.outbox[-1].body)
    assert {(scheme, netloc) for scheme, netloc, _path in found} == {("http", "alpha.localhost:8000")}
    [path] = [path for _scheme, _netloc, path in found if "/password/reset/key/" in path]

    client = client_for("alpha")
    form_url = client.get(path)["Location"]
    done = client.post(form_url, {"password1": "A-new-pass-2026!", "password2": "A-new-pass-2026!"})
    assert done.status_code == 302 and done["Location"] == "/admin/"  # not allauth's dead-end page
    assert User.objects.get(pk=owner_alpha.pk).check_password("A-new-pass-2026!")
    login = client.post("/admin/login/?next=/admin/", {"username": owner_alpha.email,
                                                       "password": "A-new-pass-2026!", "next": "/admin/"})
    assert login.status_code == 302 and login["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    with PROD:  # production: https, no port
        owner_invite_send(user=owner_alpha, tenant=tenant_alpha)
    assert {(scheme, netloc) for scheme, netloc, _path in links(mail.outbox[-1].body)} == {
        ("https", "alpha.localhost")}


def test_password_reset_done_page_leads_into_the_workspace(tenant_alpha):
    page = client_for("alpha").get("/accounts/password/reset/key/done/").content.decode()
    assert 'href="/admin/" id="continue"' in page


# --- allauth's own mails on a tenant host ------------------------------------------------------


def test_password_reset_mail_link_carries_the_port_and_never_a_forged_one(tenant_beta, owner_beta):
    with DEV:
        Client(HTTP_HOST="beta.localhost:8000").post("/accounts/password/reset/",
                                                                 {"email": owner_beta.email})
    [(scheme, netloc, path)] = [link for link in links(mail.outbox[-1].body) if "/password/reset/key/" in link[2]]
    assert (scheme, netloc) == ("http", "beta.localhost:8000")
    with PROD:
        Client(HTTP_HOST="beta.localhost:6666").post(
            "/accounts/password/reset/", {"email": owner_beta.email}, HTTP_X_FORWARDED_PROTO="https")
    [(scheme, netloc, path)] = [link for link in links(mail.outbox[-1].body) if "/password/reset/key/" in link[2]]
    assert (scheme, netloc) == ("https", "beta.localhost")


def test_email_confirmation_link_carries_the_port(tenant_alpha, owner_alpha):
    with DEV:
        response = Client(HTTP_HOST="localhost:8000").post(
            "/accounts/login/", {"login": owner_alpha.email, "password": PASSWORD})
    assert "/accounts/confirm-email/" in response["Location"]
    [(scheme, netloc, _path)] = [link for link in links(mail.outbox[-1].body) if "/confirm-email/" in link[2]]
    assert (scheme, netloc) == ("http", "localhost:8000")
    mail.outbox.clear()
    cache.delete_pattern("allauth:*")  # one confirmation mail per address per 3 minutes
    with PROD:  # a forged port in the Host header does not reach the mail
        Client(HTTP_HOST="localhost:6666").post("/accounts/login/", {"login": owner_alpha.email, "password": PASSWORD},
                                                HTTP_X_FORWARDED_PROTO="https")
    [(scheme, netloc, _path)] = [link for link in links(mail.outbox[-1].body) if "/confirm-email/" in link[2]]
    assert (scheme, netloc) == ("https", "localhost")


# --- staff invitation ---------------------------------------------------------------------------


def test_staff_invitation_link_is_on_the_tenant_host_with_the_port(tenant_alpha,
                                                                  django_capture_on_commit_callbacks):
    owner = api("alpha", "owner@alpha.test")
    with DEV, django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/api/v1/invitations/", {"email": "teach@example.com", "roles": ["teacher"]},
                              content_type="application/json")
    assert response.status_code == 201, response.content
    message = next(m for m in reversed(mail.outbox) if m.to == ["teach@example.com"])
    [(scheme, netloc, path)] = links(message.body)
    assert (scheme, netloc) == ("http", "alpha.localhost:8000") and path.startswith("/invite/")


# --- billing: checkout in the API, links in the dunning and invoice mails ----------------------


def test_checkout_url_in_the_api_response(tenant_alpha):
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"))
    invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    owner = api("alpha", "owner@alpha.test")
    with DEV:
        url = owner.post("/api/v1/billing/checkout/").json()["checkout_url"]
    assert url.startswith("http://localhost:8000/billing/sandbox/checkout/")
    with PROD:
        url = owner.post("/api/v1/billing/checkout/").json()["checkout_url"]
    assert url.startswith("https://localhost/billing/sandbox/checkout/")


def test_invoice_mail_links_carry_the_port(tenant_alpha, django_capture_on_commit_callbacks):
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"), payment_method="")
    mail.outbox.clear()
    with DEV, django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    found = {(scheme, netloc, path.split("/")[1]) for scheme, netloc, path in links(mail.outbox[-1].body)}
    assert found == {("http", "localhost:8000", "billing"), ("http", "alpha.localhost:8000", "admin")}
    assert f"/admin/billing/invoice/{invoice.pk}/change/" in mail.outbox[-1].body
