"""allauth's e-mail links built by apps.core.urls, like every other link we send: the
host the person used (a tenant's own host for its owner and staff), the public scheme
(https behind a TLS proxy) and the public port, never the port from the Host header."""

from __future__ import annotations

from urllib.parse import quote

from allauth.core import context
from django.urls import reverse

from apps.core.urls import absolute_url


class PublicLinksMixin:
    def _link(self, path: str, request=None) -> str:
        return absolute_url(path, request=request or self.request or context.request)

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's own way of putting its opaque "uid-key" into the URL
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return self._link(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return self._link(reverse("account_confirm_email", args=[emailconfirmation.key]), request)

    def send_mail(self, template_prefix: str, email: str, context_: dict) -> None:
        if "signup_url" in context_:  # the "unknown account" and "account already exists" mails
            context_ = {**context_, "signup_url": self._link(reverse("account_signup"))}
        if template_prefix == "account/email/account_already_exists":
            context_ = {**context_, "password_reset_url": self._link(reverse("account_reset_password"))}
        super().send_mail(template_prefix, email, context_)
