"""The social account adapter: who a Kakao or Naver login is.

- a provider account already linked: that user (allauth logs them in; an HQ user still
  passes the portal's TOTP, apps.accounts.mfa);
- an e-mail that belongs to an existing account: never linked silently. The login waits in
  the session and the person goes to the link page (apps.accounts.social.link), where the
  existing account's password links the two;
- no e-mail (Kakao without a business app): allauth's sign-up form asks for one, and the
  account is usable once it is verified (SOCIALACCOUNT_EMAIL_VERIFICATION = mandatory);
- otherwise a new global account without a password. No membership comes with it: a
  workspace's membership comes from its registration (apps.consumers) or an invitation.
"""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import redirect
from django.urls import reverse

from ..selectors import user_by_email

SESSION_PENDING_LINK = "social_pending_link"


def social_email(sociallogin) -> str:
    """The e-mail address the provider gave (empty when none)."""
    email = (sociallogin.user.email or "").strip() if sociallogin.user else ""
    if not email and sociallogin.email_addresses:
        email = sociallogin.email_addresses[0].email
    return email or ""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        """A provider login may create a global account (with no membership anywhere),
        whatever ACCOUNT_SIGNUP_OPEN says of the password sign-up."""
        return True

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.is_existing or sociallogin.state.get("process") == "connect":
            return
        email = social_email(sociallogin)
        if email and user_by_email(email=email) is not None:
            request.session[SESSION_PENDING_LINK] = sociallogin.serialize()
            raise ImmediateHttpResponse(redirect(reverse("social_link")))

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        extra = sociallogin.account.extra_data or {}  # Naver: name, nickname; Kakao: the profile's nickname
        name = data.get("name") or data.get("username") or extra.get("name") or extra.get("nickname") or ""
        if name and not user.full_name:
            user.full_name = name[:150]
        return user
