"""Consumer writes: registration on a workspace's host (a new or an existing global
account, the customer membership, the CRM customer, consents, e-mail verification, the
first tokens) and the consumer's own profile and marketing consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from apps.accounts import selectors as account_selectors
from apps.accounts.errors import InvalidCredentials
from apps.accounts.models import Membership, User
from apps.accounts.services import (
    login_check,
    membership_ensure,
    user_get_or_create,
    user_language_set,
    user_password_set,
)
from apps.accounts.tokens import issue_refresh_token, token_pair
from apps.audit.services import audit_record
from apps.crm import selectors as crm_selectors
from apps.crm import services as crm_services
from apps.crm.models import Customer

from .errors import AlreadyRegistered, ConsentRequired, ConsumerSuspended, ExistingAccountPassword, RegistrationRace
from .models import Consent

# The version of each document a consumer answers (shown to them by the client app).
# A new text gets a new version; rows keep the version that was agreed to.
DOCUMENT_VERSIONS = {Consent.Kind.TERMS: "2026-03-01", Consent.Kind.PRIVACY: "2026-03-01",
                     Consent.Kind.MARKETING: "2026-03-01"}
REQUIRED = (Consent.Kind.TERMS, Consent.Kind.PRIVACY)


@dataclass(frozen=True)
class Registration:
    user: User
    customer: Customer
    email_verified: bool
    tokens: dict
    new_account: bool


def _consents_check(consents: dict) -> None:
    missing = [kind for kind in REQUIRED if consents.get(kind) is not True]
    if missing:
        raise ConsentRequired(details={"consents": {
            kind: [str(_("You must accept the %(document)s.") % {"document": Consent.Kind(kind).label})]
            for kind in missing}})


def consents_record(*, customer: Customer, answers: dict, ip: str | None) -> list[Consent]:
    """One row per answered document, with the version in force and the time."""
    now = timezone.now()
    rows = [Consent(customer=customer, kind=kind, granted=bool(granted), version=DOCUMENT_VERSIONS[kind],
                    recorded_at=now, ip=ip or None)
            for kind, granted in answers.items()]
    return Consent.objects.bulk_create(rows)


def _account(*, email: str, password: str) -> tuple[User | None, bool]:
    """(the existing account, False) once it proved its password, or (None, True) for a
    new one. Outside the registration's transaction: a failure counts towards the lockout
    (apps.accounts.services.login_check) and must survive the rollback."""
    existing = account_selectors.user_by_email(email=email)
    if existing is None:
        return None, True
    try:
        return login_check(email=email, password=password), False
    except InvalidCredentials:
        raise ExistingAccountPassword() from None


def _customer_for(*, user: User, name: str, email: str, phone, birth_date: date | None, marketing: bool) -> tuple:
    """(customer, linked): the customer this account already has here, else the one staff
    added with the same e-mail and no account yet, else a new one. Staff's data stays;
    blanks are filled in."""
    customer = crm_selectors.customer_of_user(user=user).first() or crm_selectors.customer_unlinked_by_email(
        email=email)
    try:
        if customer is None:
            return crm_services.customer_create(actor=user, allowed_branch_ids=None, source="signup", user=user,
                                                name=name,
                                                email=email, phone=phone or "", birth_date=birth_date,
                                                marketing_consent=marketing), False
        data = {"user": user, "marketing_consent": marketing}
        data.update({field: value for field, value in (("phone", phone), ("birth_date", birth_date))
                     if value and not getattr(customer, field)})
        return crm_services.customer_update(customer=customer, actor=user, allowed_branch_ids=None, **data), True
    except ValidationError as error:
        if hasattr(error, "error_dict") and "guardians" in error.error_dict:
            raise ValidationError({"birth_date": [_(
                "Customers under 19 are registered by the business with a guardian's contact. "
                "Please ask the business to add you.")]}) from None
        raise


def consumer_register(*, tenant, email: str, password: str, name: str, consents: dict, phone=None,
                      birth_date: date | None = None, language: str = "", ip: str | None = None,
                      request=None) -> Registration:
    """Register a consumer on `tenant`'s host: create the global account, or (if one
    exists for the e-mail) prove its password; then, in one transaction, the active
    customer membership, the CRM customer (linked, or new), the consents, the marketing
    consent in the CRM, the e-mail verification (sent after commit, in the person's
    language) and the first token pair. Terms and privacy must be accepted. `request`:
    the HTTP request registering (the confirmation link returns to its host); without
    one, the tenant's primary host."""
    with schema_context(tenant.schema_name):  # the same whether called on its host or not
        return _register(tenant=tenant, email=email, password=password, name=name, consents=consents, phone=phone,
                         birth_date=birth_date, language=language, ip=ip,
                         request=request if request is not None else _HostRequest(tenant))


class _HostRequest(HttpRequest):
    """A stand-in request on a tenant's host, for callers without one (the demo, a
    command): allauth builds the confirmation link and reads the workspace's name from it."""

    def __init__(self, tenant):
        super().__init__()
        domain = tenant.get_primary_domain()
        self.host = domain.domain if domain else f"{tenant.slug}.{settings.BASE_DOMAIN}"
        self.tenant = tenant

    def get_host(self):
        return self.host


def _register(*, tenant, email: str, password: str, name: str, consents: dict, phone, birth_date: date | None,
              language: str, ip: str | None, request) -> Registration:
    _consents_check(consents)
    email = User.objects.normalize_email(email)
    user, new_account = _account(email=email, password=password)
    if user is not None:
        membership = account_selectors.membership_of(user=user, tenant=tenant, kind=Membership.Kind.CUSTOMER)
        status = membership.status if membership is not None else None
        if status == Membership.Status.SUSPENDED:
            raise ConsumerSuspended()
        # (a member whose customer staff deleted registers again: a new customer row)
        if status == Membership.Status.ACTIVE and crm_selectors.customer_of_user(user=user).exists():
            raise AlreadyRegistered()
    marketing = consents.get(Consent.Kind.MARKETING) is True
    with transaction.atomic(durable=True):
        if new_account:
            try:
                with transaction.atomic():
                    user, created = user_get_or_create(email=email, full_name=name)
            except IntegrityError:
                raise RegistrationRace() from None
            if not created:  # made between our check and now: it has to prove its password
                raise RegistrationRace()
            user_password_set(user=user, password=password)
        if language and (new_account or not user.language):
            user_language_set(user=user, language=language)
        membership_ensure(user=user, tenant=tenant, kind=Membership.Kind.CUSTOMER)
        customer, linked = _customer_for(user=user, name=name, email=email, phone=phone, birth_date=birth_date,
                                         marketing=marketing)
        consents_record(customer=customer, ip=ip, answers={kind: consents.get(kind) is True
                                                            for kind in DOCUMENT_VERSIONS})
        email_verified = _email_verification(user=user, request=request)
        audit_record(action="consumer.registered", actor=user, target=customer, tenant=tenant,
                     metadata={"new_account": new_account, "linked_customer": linked, "marketing": marketing,
                               "versions": {k: str(v) for k, v in DOCUMENT_VERSIONS.items()}})
        tokens = token_pair(issue_refresh_token(user=user, tenant=tenant))
    return Registration(user=user, customer=customer, email_verified=email_verified, tokens=tokens,
                        new_account=new_account)


def _email_verification(*, user: User, request) -> bool:
    """Whether the account's address is verified; if not, allauth's confirmation mail
    goes out once the registration commits (its link returns to this host, its text is in
    the person's language: apps.accounts.adapters)."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    if address.verified:
        return True

    def send():
        with allauth_context.request_context(request):  # allauth reads the request from its context
            address.send_confirmation(request, signup=True)

    transaction.on_commit(send)
    return False


def email_verified(*, user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


PROFILE_FIELDS = ("name", "phone")


def consumer_profile_update(*, tenant, customer: Customer, user: User, ip: str | None = None, **data) -> Customer:
    """The consumer changes their own profile here: name and phone (the CRM customer),
    their language (their account), their marketing consent (a consent row and the CRM's
    flag, together)."""
    with transaction.atomic(durable=True):
        if data.get("language"):
            user_language_set(user=user, language=data["language"])
        changes = {field: data[field] for field in PROFILE_FIELDS if field in data}
        marketing = data.get("marketing_consent")
        if marketing is not None and marketing != customer.marketing_consent:
            changes["marketing_consent"] = marketing
            consents_record(customer=customer, answers={Consent.Kind.MARKETING: marketing}, ip=ip)
            audit_record(action="consumer.consent_changed", actor=user, target=customer, tenant=tenant,
                         metadata={"kind": Consent.Kind.MARKETING.value, "granted": marketing,
                                   "version": DOCUMENT_VERSIONS[Consent.Kind.MARKETING]})
        if changes:
            crm_services.customer_update(customer=customer, actor=user, allowed_branch_ids=None, **changes)
    return customer
