"""Consumer registration on a workspace's host: a new or an existing global account, the
customer membership, the CRM customer (new or linked), consents, e-mail verification in
the person's language, the first tokens; all or nothing."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django_tenants.utils import schema_context

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEvent
from apps.consumers.models import Consent
from apps.crm.models import Customer
from tests.emails import parts
from tests.plugin import PASSWORD, client_for
from tests.workspace import make_customer

from .conftest import JSON, NEW_PASSWORD, consumer_client, register, registration


def customers(slug, **filters):
    with schema_context(slug):
        return list(Customer.objects.filter(**filters))


def consents(slug, customer_id):
    with schema_context(slug):
        return {c.kind: c for c in Consent.objects.filter(customer_id=customer_id)}


def nothing_created(email):
    assert not User.objects.filter(email=email).exists()
    assert customers("alpha", email=email) == []


def test_a_new_consumer_registers(db, django_capture_on_commit_callbacks, tenant_alpha):
    mail.outbox.clear()
    response = register(capture=django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["email"] == "minji@example.com" and body["email_verified"] is False
    assert set(body["tokens"]) == {"access", "refresh"}

    user = User.objects.get(email="minji@example.com")
    assert user.check_password(NEW_PASSWORD) and user.language == "ko"
    membership = Membership.objects.get(user=user, tenant=tenant_alpha)
    assert (membership.kind, membership.status) == ("customer", "active")
    [customer] = customers("alpha", user_id=user.pk)
    assert customer.pk == body["customer"] and customer.name == "Kim Minji"
    assert str(customer.phone) == "+821023456789"
    assert customer.marketing_consent and customer.marketing_consent_at
    answers = consents("alpha", customer.pk)
    assert {kind: c.granted for kind, c in answers.items()} == {"terms": True, "privacy": True, "marketing": True}
    assert all(c.version and c.ip == "198.51.100.7" and c.recorded_at for c in answers.values())
    event = AuditEvent.objects.get(action="consumer.registered", tenant=tenant_alpha)
    assert event.actor == user and event.target_id == str(customer.pk) and event.metadata["new_account"] is True

    # the confirmation mail: Korean (the person's language), its link back to alpha's host
    [message] = [m for m in mail.outbox if m.to == ["minji@example.com"]]
    text, html = parts(message)
    assert "이메일 주소" in message.subject and "Alpha Academy" in html
    link = re.search(r"https?://alpha\.localhost\S*(/accounts/confirm-email/\S+/)", text).group(1)
    me = consumer_client("alpha", body["tokens"]["access"])
    assert me.get("/api/v1/my/profile/").json()["email_verified"] is False
    assert client_for("alpha").post(link).status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert me.get("/api/v1/my/profile/").json()["email_verified"] is True


def test_email_in_english_for_an_english_reader(db, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    assert register(capture=django_capture_on_commit_callbacks, language="en").status_code == 201
    [message] = mail.outbox
    assert "Confirm your email address" in message.subject


@pytest.mark.parametrize("answers", [{"terms": False, "privacy": True}, {"terms": True, "privacy": False},
                                     {"terms": True, "privacy": True, "marketing": True} | {"terms": False}])
def test_terms_and_privacy_are_required(db, answers):
    response = register(consents=answers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "consent_required" and error["message"]
    missing = {kind for kind in ("terms", "privacy") if not answers.get(kind)}
    assert set(error["details"]["consents"]) == missing
    nothing_created("minji@example.com")


def test_consents_must_be_given(db):
    body = registration()
    del body["consents"]
    response = client_for("alpha").post("/api/v1/auth/register/", body, content_type=JSON)
    assert response.status_code == 400 and "consents" in response.json()["error"]["details"]


def test_a_weak_password_is_refused(db):
    response = register(password="12345678")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["details"]["password"]
    nothing_created("minji@example.com")


@pytest.mark.parametrize(("field", "value"), [("email", "not-an-email"), ("phone", "12"), ("name", ""),
                                              ("birth_date", "02/03/1999"), ("language", "fr"), ("name", 5)])
def test_bad_input(db, field, value):
    response = register(**{field: value})
    assert response.status_code == 400 and field in response.json()["error"]["details"]


def test_a_minor_is_refused_cleanly_and_nothing_is_left(db):
    response = register(birth_date="2016-05-01")
    assert response.status_code == 400
    assert "birth_date" in response.json()["error"]["details"]
    nothing_created("minji@example.com")
    assert not Membership.objects.filter(user__email="minji@example.com").exists()


def test_an_existing_account_must_prove_its_password(db, owner_beta, tenant_alpha):
    """The owner of beta has a global account: joining alpha as a customer takes its password."""
    response = register(email="OWNER@beta.test", password="not-their-password")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "invalid_credentials" and "already exists" in error["message"]
    owner_beta.refresh_from_db()
    assert owner_beta.failed_login_count == 1  # lockout counts, despite the rollback
    assert not Membership.objects.filter(user=owner_beta, tenant=tenant_alpha).exists()
    assert customers("alpha", email="owner@beta.test") == []

    response = register(email="owner@beta.test", password=PASSWORD, name="Beta Owner")
    assert response.status_code == 201, response.content
    owner_beta.refresh_from_db()
    assert owner_beta.check_password(PASSWORD) and owner_beta.failed_login_count == 0
    assert Membership.objects.filter(user=owner_beta, tenant=tenant_alpha, kind="customer", status="active").exists()
    event = AuditEvent.objects.get(action="consumer.registered", tenant=tenant_alpha)
    assert event.metadata["new_account"] is False


def test_lockout_applies(db, owner_beta, tenant_alpha, settings):
    responses = [register(email="owner@beta.test", password="wrong-guess")
                 for _attempt in range(settings.LOGIN_MAX_FAILURES)]
    assert responses[-1].status_code == 403 and responses[-1].json()["error"]["code"] == "account_locked"
    owner_beta.refresh_from_db()
    assert owner_beta.is_locked
    assert register(email="owner@beta.test", password=PASSWORD).status_code in (403, 429)
    assert not Membership.objects.filter(user=owner_beta, tenant=tenant_alpha).exists()


def test_registering_twice_is_a_conflict(registered, tenant_alpha):
    response = register()
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_registered"
    assert len(customers("alpha", email="minji@example.com")) == 1
    # the same person registers at another business: a second customer record there
    assert register(slug="beta").status_code == 201
    assert len(customers("beta", email="minji@example.com")) == 1


def test_wrong_password_of_a_registered_consumer_does_not_reveal_the_registration(registered):
    response = register(password="Something-else-2026")
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_credentials"


def test_a_customer_staff_added_is_linked(db):
    staff_made = make_customer("alpha", "Minji (front desk)", email="Minji@Example.com", notes="Evening classes")
    response = register(marketing=False, consents={"terms": True, "privacy": True, "marketing": False})
    assert response.status_code == 201, response.content
    assert response.json()["customer"] == staff_made.pk
    [customer] = customers("alpha", email__iexact="minji@example.com")
    assert customer.user_id == User.objects.get(email="minji@example.com").pk
    assert customer.name == "Minji (front desk)" and customer.notes == "Evening classes"  # staff's data kept
    assert str(customer.phone) == "+821023456789"  # a blank filled in
    assert customer.marketing_consent is False
    event = AuditEvent.objects.get(action="consumer.registered")
    assert event.metadata["linked_customer"] is True


def test_a_suspended_consumer_cannot_register_again(registered, tenant_alpha):
    Membership.objects.filter(user__email="minji@example.com", tenant=tenant_alpha).update(status="suspended")
    response = register()
    assert response.status_code == 403 and response.json()["error"]["code"] == "consumer_suspended"


def test_register_is_only_on_a_workspace_host(db):
    response = client_for(None).post("/api/v1/auth/register/", registration(), content_type=JSON)
    assert response.status_code == 404
    nothing_created("minji@example.com")


def test_the_registration_tokens_work_like_login_tokens(registered):
    body, _client = registered
    response = client_for("alpha").post("/api/v1/auth/token/", {"email": "minji@example.com",
                                                                "password": NEW_PASSWORD}, content_type=JSON)
    assert response.status_code == 200
    me = consumer_client("alpha", body["tokens"]["access"]).get("/api/v1/me/").json()
    assert me["memberships"] == ["customer"] and me["roles"] == [] and me["permissions"] == []
    refreshed = client_for("alpha").post("/api/v1/auth/token/refresh/", {"refresh": body["tokens"]["refresh"]},
                                         content_type=JSON)
    assert refreshed.status_code == 200


def test_registering_without_a_request(db, django_capture_on_commit_callbacks, tenant_alpha):
    """Called by code (the demo, a command) from the public schema: the same result, the
    confirmation link on the workspace's host."""
    from django.db import connection

    from apps.consumers.services import consumer_register

    mail.outbox.clear()
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        registration = consumer_register(tenant=tenant_alpha, email="Seeded@Example.com", password=NEW_PASSWORD,
                                         name="Seeded", consents={"terms": True, "privacy": True})
    assert connection.schema_name == "public"
    assert registration.user.email == "seeded@example.com" and registration.email_verified is False
    assert customers("alpha", user_id=registration.user.pk)[0].marketing_consent is False
    [message] = mail.outbox
    assert re.search(r"https?://alpha\.localhost\S*/accounts/confirm-email/", message.body)
