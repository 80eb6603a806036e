"""Emails to a tenant's owner: the invitation (a link to set a password on their
workspace's host, allauth's password-reset-from-key page, which also proves the
address) and the notice that a demo ends soon; in the owner's language (apps.core.mail)."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse

from apps.accounts.mail import user_language
from apps.accounts.models import User
from apps.core.mail import send_templated_mail
from apps.core.urls import absolute_url

from .models import Tenant


def tenant_url(tenant: Tenant, path: str = "/", *, request=None) -> str:
    """`path` on the tenant's primary host (scheme and port: apps.core.urls)."""
    domain = tenant.get_primary_domain().domain if tenant.pk else f"{tenant.slug}.{settings.BASE_DOMAIN}"
    return absolute_url(path, host=domain, request=request)


def owner_invite_link(*, user, tenant: Tenant) -> str:
    from django.utils.http import urlencode

    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    # Having set the password, the owner goes on to the workspace admin, not a dead end.
    workspace_admin = reverse("tenant_admin:index", urlconf=settings.ROOT_URLCONF)
    return tenant_url(tenant, f"{path}?{urlencode({'next': workspace_admin})}")


def owner_language(tenant: Tenant) -> str:
    """The owner is written to in their own language, else the tenant's (its locale)."""
    owner = tenant.owner if tenant.owner_id else User.objects.filter(email__iexact=tenant.owner_email).first()
    return user_language(owner, tenant.locale)


def owner_address(tenant: Tenant) -> str:
    return tenant.owner.email if tenant.owner_id else tenant.owner_email


def owner_invite_send(*, user, tenant: Tenant) -> None:
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True})
    context = {"user": user, "tenant": tenant, "link": owner_invite_link(user=user, tenant=tenant),
               "workspace_url": tenant_url(tenant)}
    send_templated_mail(to=user.email, template="tenants/email/owner_invite", context=context,
                        language=user_language(user, tenant.locale), brand=tenant.name)


def demo_expiry_notice_send(*, tenant: Tenant) -> None:
    """Tell the owner when the demo ends, in their language and the tenant's time zone."""
    context = {"tenant": tenant, "workspace_url": tenant_url(tenant), "expires_at": tenant.demo_expires_at,
               "owner_name": tenant.owner_name or tenant.owner_email}
    send_templated_mail(to=owner_address(tenant), template="tenants/email/demo_expiry", context=context,
                        language=owner_language(tenant), time_zone=tenant.timezone, brand=tenant.name)
