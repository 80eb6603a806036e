"""The owner's invitation: an email with a link to set a password on their workspace's
host (allauth's password-reset-from-key page, which also proves the address)."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Tenant


def tenant_url(tenant: Tenant, path: str = "/") -> str:
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    domain = tenant.get_primary_domain().domain if tenant.pk else f"{tenant.slug}.{settings.BASE_DOMAIN}"
    return f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{domain}{port}{path}"


def owner_invite_link(*, user, tenant: Tenant) -> str:
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return tenant_url(tenant, path)


def owner_invite_send(*, user, tenant: Tenant) -> None:
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True})
    context = {"user": user, "tenant": tenant, "link": owner_invite_link(user=user, tenant=tenant),
               "workspace_url": tenant_url(tenant)}
    with translation.override(tenant.locale or settings.LANGUAGE_CODE):
        subject = render_to_string("ops/email/owner_invite_subject.txt", context).strip()
        body = render_to_string("ops/email/owner_invite.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
