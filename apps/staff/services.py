"""Staff: invitations by email (token link, expiry, resend, revoke, accept) and
deactivation. The membership row is public; profile and roles live in the schema."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.mail import address_language
from apps.accounts.models import Membership, User
from apps.accounts.services import login_check, membership_ensure, membership_status_set, user_get_or_create
from apps.audit.services import audit_record
from apps.billing.limits import enforce_limit
from apps.core.changes import model_update
from apps.core.mail import send_templated_mail
from apps.core.secrets import secret_hash
from apps.core.urls import absolute_url
from apps.events.services import event_record
from apps.rbac.services import grant_check, role_assign, user_roles_set
from apps.rbac.tenancy import current_tenant
from apps.tenants.models import Tenant

from .errors import (
    AccountExists,
    AlreadyMember,
    InvitationExpired,
    InvitationInvalid,
    InvitationNotPending,
    InvitationPending,
    InvitationRevoked,
    InvitationUsed,
    NoRoles,
    OwnerProtected,
    SelfDeactivation,
    WeakPassword,
)
from .events import STAFF_INVITED, staff_invited_data
from .models import Invitation, StaffProfile

INVITATION_DAYS = 7


def _audit(action, *, actor, target, **metadata):
    audit_record(action=action, actor=actor, target=target, tenant=current_tenant(), metadata=metadata)


def accept_url(token: str) -> str:
    """The link to accept, on the tenant's primary host (not the host the inviter used,
    which may be the shared API host; scheme and port: apps.core.urls)."""
    return absolute_url(f"/invite/{token}/", host=current_tenant().get_primary_domain().domain)


def _tenant_locked():
    """The tenant row, locked until the transaction ends: plan limits count and insert
    under it, so concurrent requests cannot both pass the last free slot."""
    return Tenant.objects.select_for_update().get(pk=current_tenant().pk)


def staff_count() -> int:
    return Membership.objects.filter(tenant=current_tenant(), kind=Membership.Kind.STAFF,
                                     status=Membership.Status.ACTIVE).count()


def staff_profile_ensure(*, user: User) -> StaffProfile:
    profile, _created = StaffProfile.objects.get_or_create(
        user=user, defaults={"email": user.email, "display_name": user.full_name})
    return profile


def invitation_language(invitation: Invitation) -> str:
    """An address with an account is written to in its owner's language; a new one in
    the workspace's (the tenant's locale), else the inviter's."""
    return address_language(invitation.email, current_tenant().locale,
                            getattr(invitation.invited_by, "language", ""))


def _send(invitation: Invitation, url: str) -> None:
    tenant = current_tenant()
    inviter = invitation.invited_by
    send_templated_mail(
        to=invitation.email, template="staff/email/invitation", language=invitation_language(invitation),
        time_zone=tenant.timezone, brand=tenant.name, on_commit=True,
        context={"workspace": tenant.name, "name": invitation.full_name, "url": url,
                 "inviter": inviter.get_full_name() if inviter else "", "expires_at": invitation.expires_at})


def invitation_create(*, email: str, roles, branches=(), full_name: str = "", actor,
                      actor_access=None) -> tuple[Invitation, str]:
    """Invite `email` with `roles` (limited to `branches`, none = all). Returns the
    invitation and its accept URL; the token is stored hashed and the link goes to the
    invitee by email only (never show it to the inviter)."""
    email = User.objects.normalize_email(email)
    if not roles:
        raise NoRoles(details={"roles": [NoRoles.message]})
    grant_check(access=actor_access, roles=roles, branches=branches)
    if Membership.objects.filter(tenant=current_tenant(), user__email__iexact=email, kind=Membership.Kind.STAFF,
                                 status=Membership.Status.ACTIVE).exists():
        raise AlreadyMember(AlreadyMember.message % {"email": email})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        enforce_limit(tenant=_tenant_locked(), key="staff_users", current=staff_count())
        Invitation.objects.filter(email__iexact=email, status=Invitation.Status.PENDING,
                                  expires_at__lte=timezone.now()).update(status=Invitation.Status.REVOKED)
        if Invitation.objects.filter(email__iexact=email, status=Invitation.Status.PENDING).exists():
            raise InvitationPending(InvitationPending.message % {"email": email})
        invitation = Invitation(email=email, full_name=full_name, token_hash=secret_hash(token),
                                expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
                                invited_by=actor if getattr(actor, "pk", None) else None)
        invitation.full_clean(exclude=["token_hash"])
        invitation.save()
        invitation.roles.set(roles)
        invitation.branches.set(branches)
        _audit("staff.invited", actor=actor, target=invitation, roles=[r.key for r in roles],
               branches=[b.pk for b in branches])
        event_record(STAFF_INVITED.name, staff_invited_data(invitation, roles))
        url = accept_url(token)
        _send(invitation, url)
    return invitation, url


def invitation_resend(*, invitation: Invitation, actor) -> tuple[Invitation, str]:
    """A new link (the old one stops working) with a fresh expiry."""
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationNotPending()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation.token_hash = secret_hash(token)
        invitation.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
        invitation.sent_count += 1
        invitation.last_sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "expires_at", "sent_count", "last_sent_at"])
        _audit("staff.invitation_resent", actor=actor, target=invitation)
        url = accept_url(token)
        _send(invitation, url)
    return invitation, url


def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationNotPending(_("Only pending invitations can be withdrawn."))
    with transaction.atomic():
        invitation.status = Invitation.Status.REVOKED
        invitation.save(update_fields=["status"])
        _audit("staff.invitation_revoked", actor=actor, target=invitation)
    return invitation


def invitation_for_token(token: str) -> Invitation:
    invitation = Invitation.objects.filter(token_hash=secret_hash(token or "")).first()
    if invitation is None:
        raise InvitationInvalid()
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationUsed()
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationRevoked()
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired()
    return invitation


def invitation_needs_password(invitation: Invitation) -> bool:
    """True when the invitee has no platform account yet and chooses a password here. An
    existing account (even one without a usable password) never gets its password from
    an invitation: whoever invited holds no proof of owning it."""
    return not User.objects.filter(email__iexact=invitation.email).exists()


def invitation_accept(*, token: str, password: str, full_name: str = "") -> User:
    """Accept: a new person sets a password; someone with a platform account logs in with
    theirs (an account without a usable password is refused: it sets one through the
    password reset email first). Either way they become active staff with the invited
    roles and branches."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:  # accepted or withdrawn meanwhile
            raise InvitationRevoked() if invitation.status == Invitation.Status.REVOKED else InvitationUsed()
        existing = User.objects.filter(email__iexact=invitation.email).first()
        if existing is None:
            user, created = user_get_or_create(email=invitation.email, full_name=full_name or invitation.full_name)
            if not created:  # appeared meanwhile: it is an existing account after all
                raise AccountExists()
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise WeakPassword(details={"password": error.messages}) from None
            user.set_password(password)
            user.save()
        elif not existing.has_usable_password():
            raise AccountExists()
        else:
            user = login_check(email=invitation.email, password=password)
        enforce_limit(tenant=_tenant_locked(), key="staff_users", current=staff_count())
        membership_ensure(user=user, tenant=current_tenant(), kind=Membership.Kind.STAFF)
        profile = staff_profile_ensure(user=user)
        if not profile.is_active:
            profile.is_active, profile.deactivated_at = True, None
            profile.save(update_fields=["is_active", "deactivated_at"])
        branches = list(invitation.branches.all())
        for role in invitation.roles.all():
            role_assign(user=user, role=role, branches=branches)
        invitation.status = Invitation.Status.ACCEPTED
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
        _audit("staff.invitation_accepted", actor=user, target=invitation)
    return user


def staff_deactivate(*, profile: StaffProfile, actor) -> StaffProfile:
    tenant = current_tenant()
    if profile.user_id == tenant.owner_id:
        raise OwnerProtected()
    if getattr(actor, "pk", None) == profile.user_id:
        raise SelfDeactivation()
    with transaction.atomic():
        membership_status_set(user_id=profile.user_id, tenant=tenant, kind=Membership.Kind.STAFF,
                              status=Membership.Status.SUSPENDED)
        profile.is_active, profile.deactivated_at = False, timezone.now()
        profile.save(update_fields=["is_active", "deactivated_at"])
        _audit("staff.deactivated", actor=actor, target=profile)
    return profile


def staff_reactivate(*, profile: StaffProfile, actor) -> StaffProfile:
    tenant = current_tenant()
    if profile.is_active:
        return profile
    with transaction.atomic():
        enforce_limit(tenant=_tenant_locked(), key="staff_users", current=staff_count())
        membership_status_set(user_id=profile.user_id, tenant=tenant, kind=Membership.Kind.STAFF,
                              status=Membership.Status.ACTIVE)
        profile.is_active, profile.deactivated_at = True, None
        profile.save(update_fields=["is_active", "deactivated_at"])
        _audit("staff.reactivated", actor=actor, target=profile)
    return profile


def staff_update(*, profile: StaffProfile, actor, **data) -> StaffProfile:
    with transaction.atomic():
        changes = model_update(profile, data=data, fields=["display_name", "phone"])
        if changes:
            audit_record(action="staff.updated", actor=actor, target=profile, tenant=current_tenant(), changes=changes)
    return profile


def staff_roles_set(*, profile: StaffProfile, grants: list[tuple], actor, actor_access=None) -> None:
    """Replace the member's roles: [(role, [branches]), ...]."""
    for role, branches in grants:
        grant_check(access=actor_access, roles=[role], branches=branches)
    user = User.objects.get(pk=profile.user_id)
    if profile.user_id == current_tenant().owner_id and not any(role.key == "owner" for role, _b in grants):
        raise OwnerProtected(_("The workspace owner keeps the owner role."))
    user_roles_set(user=user, assignments=grants, actor=actor)
