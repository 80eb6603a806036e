"""Emails to a tenant's owner: the invitation (a link to set a password on their
workspace's host, allauth's password-reset-from-key page, which also proves the
address) and the notice that a demo ends soon."""

from __future__ import annotations

import zoneinfo

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils import timezone as django_timezone

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


def owner_invite_send(*, user, tenant: Tenant) -> None:
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True})
    context = {"user": user, "tenant": tenant, "link": owner_invite_link(user=user, tenant=tenant),
               "workspace_url": tenant_url(tenant)}
    with translation.override(tenant.locale or settings.LANGUAGE_CODE):
        subject = render_to_string("ops/email/owner_invite_subject.txt", context).strip()
        body = render_to_string("ops/email/owner_invite.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def demo_expiry_notice_send(*, tenant: Tenant) -> None:
    """Tell the owner when the demo ends, in the tenant's language and time zone."""
    expires = django_timezone.localtime(tenant.demo_expires_at, zoneinfo.ZoneInfo(tenant.timezone))
    with translation.override(tenant.locale or settings.LANGUAGE_CODE):
        context = {"tenant": tenant, "workspace_url": tenant_url(tenant),
                   "expires_on": formats.date_format(expires, "DATE_FORMAT"),
                   "expires_at": formats.date_format(expires, "DATETIME_FORMAT")}
        subject = render_to_string("tenants/email/demo_expiry_subject.txt", context).strip()
        body = render_to_string("tenants/email/demo_expiry.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [tenant.owner.email if tenant.owner else tenant.owner_email])
