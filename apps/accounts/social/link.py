"""The link page: a Kakao or Naver login whose e-mail belongs to an existing account waits
in the session (apps.accounts.social.adapter) until the person proves that account's
password here; then the two are linked and the login completes (allauth's own flow: an HQ
user still passes the portal's TOTP, an unverified address still has to be confirmed)."""

from __future__ import annotations

from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialLogin
from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from ..errors import LoginRefused
from ..selectors import user_by_email
from ..services import login_check
from .adapter import SESSION_PENDING_LINK, social_email
from .services import social_link


class LinkForm(forms.Form):
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                 "autofocus": True}))


def _pending(request) -> SocialLogin | None:
    data = request.session.get(SESSION_PENDING_LINK)
    if not isinstance(data, dict):
        return None
    try:
        return SocialLogin.deserialize(data)
    except Exception:  # noqa: BLE001  (a stale session entry: start over)
        request.session.pop(SESSION_PENDING_LINK, None)
        return None


@never_cache
@csrf_protect
def social_link_view(request):
    sociallogin = _pending(request)
    existing = user_by_email(email=social_email(sociallogin)) if sociallogin is not None else None
    if existing is None:
        request.session.pop(SESSION_PENDING_LINK, None)
        return redirect("account_login")
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_check(email=existing.email, password=form.cleaned_data["password"])
        except LoginRefused as refused:
            form.add_error("password", refused.message)
        else:
            data = request.session.pop(SESSION_PENDING_LINK)
            social_link(sociallogin=sociallogin, user=user, request=request)
            return complete_social_login(request, SocialLogin.deserialize(data))
    return render(request, "socialaccount/link.html", {
        "form": form, "email": existing.email, "provider": sociallogin.provider.name})
