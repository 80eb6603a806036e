"""Kakao and Naver logins' writes: linking a provider account to an existing one (after its
password was proven), and the app flow (a provider's access token -> our JWT pair)."""

from __future__ import annotations

import requests
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.core.activity import activity_seen
from apps.core.db import xact_lock

from .. import selectors
from ..errors import (
    AccountInactive,
    NotAMember,
    SocialEmailRequired,
    SocialEmailUnverified,
    SocialLinkRequired,
    SocialProviderUnavailable,
    SocialProviderUnknown,
    SocialTokenInvalid,
)
from ..models import User
from ..services import _security_event, login_check, user_get_or_create
from .providers import PROVIDERS


def social_linked(*, user: User, provider: str, uid: str, via: str) -> None:
    """Audit: `user` proved their password and their `provider` account `uid` is now linked."""
    _security_event("auth.social_linked", user=user, provider=provider, uid=uid, via=via)


def social_link(*, sociallogin, user: User, request) -> None:
    """Link the provider account of `sociallogin` (a web login waiting on the link page) to
    `user`, who has just proven their password (apps.accounts.services.login_check)."""
    with transaction.atomic():
        sociallogin.connect(request, user)
        social_linked(user=user, provider=sociallogin.account.provider, uid=sociallogin.account.uid, via="web")


# --- The app flow -----------------------------------------------------------------------------


def _profile_url(provider: str) -> str:
    adapter = PROVIDERS[provider].oauth2_adapter_class(None)
    return adapter.profile_url


def provider_profile(*, provider: str, access_token: str) -> dict:
    """The provider's user info for `access_token` (Kakao: /v2/user/me; Naver: /v1/nid/me,
    its `response`)."""
    if provider not in PROVIDERS:
        raise SocialProviderUnknown(details={"provider": provider})
    try:
        response = requests.get(_profile_url(provider), headers={"Authorization": f"Bearer {access_token}"},
                                timeout=settings.SOCIAL_PROVIDER_TIMEOUT)
    except requests.RequestException:
        raise SocialProviderUnavailable() from None
    if response.status_code in (400, 401, 403):
        raise SocialTokenInvalid()
    if response.status_code != 200:
        raise SocialProviderUnavailable()
    try:
        data = response.json()
    except ValueError:
        raise SocialProviderUnavailable() from None
    if provider == "naver":
        if data.get("resultcode") != "00":
            raise SocialTokenInvalid()
        data = data.get("response") or {}
    if not isinstance(data, dict) or "id" not in data:
        raise SocialProviderUnavailable()
    return data


def _provider_identity(provider: str, data: dict) -> tuple[str, str, bool, str]:
    """(uid, e-mail, whether the provider verified it, name)."""
    klass = PROVIDERS[provider]
    uid = str(data["id"])
    addresses = klass.extract_email_addresses(klass, data)
    common = klass.extract_common_fields(klass, data)
    email = addresses[0].email if addresses else ""
    verified = bool(addresses and addresses[0].verified)
    name = data.get("name") or common.get("username") or ""
    return uid, email, verified, name


def _unverified(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=False).exists()


def _send_confirmation(*, user: User, request) -> None:
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()

    def send():
        with allauth_context.request_context(request):
            address.send_confirmation(request, signup=True)

    transaction.on_commit(send)


def _linked_user(provider: str, uid: str) -> User | None:
    account = SocialAccount.objects.filter(provider=provider, uid=uid).select_related("user").first()
    return account.user if account is not None else None


def _link_or_create(*, provider: str, uid: str, email: str, verified: bool, name: str, data: dict,
                    password: str | None, request) -> User:
    """The user for a provider account nobody has linked yet. Two first logins of one
    provider account at once (a double tap, a retry) take turns on a lock named after it:
    the second finds the account the first linked. The password is checked before the
    lock, outside its transaction, so that a failure counts towards the lockout."""
    existing = selectors.user_by_email(email=email)
    if existing is not None:
        if not password:
            raise SocialLinkRequired(details={"provider": provider})
        existing = login_check(email=existing.email, password=password)  # counts towards the lockout
    with transaction.atomic():
        xact_lock(f"accounts.social:{provider}:{uid}")
        linked = _linked_user(provider, uid)
        if linked is not None:
            return linked
        if existing is not None:
            SocialAccount.objects.create(user=existing, provider=provider, uid=uid, extra_data=data)
            social_linked(user=existing, provider=provider, uid=uid, via="app")
            return existing
        try:
            with transaction.atomic():
                user, created = user_get_or_create(email=email, full_name=name[:150])
        except (IntegrityError, ValidationError):  # made between our check and now
            created = False
        if not created:  # an account of that address appeared meanwhile: it has to prove its password
            raise SocialLinkRequired(details={"provider": provider})
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
        SocialAccount.objects.create(user=user, provider=provider, uid=uid, extra_data=data)
        _security_event("auth.social_signed_up", user=user, provider=provider, uid=uid, via="app")
        if not verified:
            _send_confirmation(user=user, request=request)
    return user


def social_token_obtain(*, tenant, provider: str, access_token: str, password: str | None = None,
                        email: str | None = None, request=None) -> dict:
    """The app flow: `access_token` (from the provider's SDK in a mobile app) -> the
    provider's user info -> our user: the one already linked to that provider account; or,
    when its e-mail (the provider's, or `email` when the provider gave none) is an existing
    account's, that account once `password` proves it (else SocialLinkRequired, 409); or a
    new account. An address nobody verified (given by the person) must be confirmed first
    (SocialEmailUnverified; the link goes out by mail). Then the same token pair as
    apps.accounts.services.token_obtain, for members of `tenant` only (NotAMember)."""
    from ..tokens import issue_refresh_token, token_pair

    data = provider_profile(provider=provider, access_token=access_token)
    uid, provider_email, verified, name = _provider_identity(provider, data)
    user = _linked_user(provider, uid)  # linked before: the provider's word is enough
    if user is None:
        given = provider_email or (email or "").strip()
        if not given:
            raise SocialEmailRequired(details={"provider": provider})
        user = _link_or_create(provider=provider, uid=uid, email=given, verified=bool(provider_email) and verified,
                               name=name, data=data, password=password, request=request)
    if not user.is_active:
        raise AccountInactive()
    if _unverified(user):
        raise SocialEmailUnverified(details={"email": user.email})
    if selectors.member_for_token(public_id=user.public_id, tenant=tenant) is None:
        raise NotAMember()
    _security_event("auth.login_succeeded", user=user, via=provider)
    update_last_login(None, user)
    activity_seen(tenant_id=tenant.pk, identity=f"u{user.pk}")
    return token_pair(issue_refresh_token(user=user, tenant=tenant))
