"""TOTP (allauth.mfa) for HQ staff: after the password, the ops portal asks for a code
from the authenticator app, or has the person enrol one first. Until then the session
does not reach the portal (the ops policy in apps.site.admin_sites checks `mfa_passed`)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from django import forms
from django.contrib.auth import logout
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

SESSION_PASSED = "ops_mfa_user"
SESSION_SECRET = "ops_mfa_setup_secret"
SESSION_FAILURES = "ops_mfa_failures"
MAX_FAILURES = 5


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Authenticator code"), max_length=10, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))


def mfa_passed(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and request.session.get(SESSION_PASSED) == user.pk)


def mfa_passed_in_allauth(request, user) -> None:
    """allauth's own two-step stage (after a Kakao or Naver login on the public host, say)
    took a code from `user`'s authenticator: the portal does not ask again. Called before
    the login, whose session key change keeps the mark (it is checked against the user)."""
    request.session[SESSION_PASSED] = user.pk
    request.session.pop(SESSION_FAILURES, None)
    audit_record(action="auth.mfa_succeeded", category=AuditEvent.Category.SECURITY, actor=user, target=user,
                 metadata={"via": "allauth"})


def totp_for(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def _security(action: str, request, **metadata) -> None:
    audit_record(action=action, category=AuditEvent.Category.SECURITY, actor=request.user,
                 target=request.user, metadata=metadata)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("ops_admin:index")


def _passed(request, action: str):
    request.session[SESSION_PASSED] = request.user.pk
    request.session.pop(SESSION_FAILURES, None)
    request.session.pop(SESSION_SECRET, None)
    request.session.cycle_key()
    _security(action, request)
    return redirect(_next(request))


def _failed(request):
    failures = request.session.get(SESSION_FAILURES, 0) + 1
    request.session[SESSION_FAILURES] = failures
    _security("auth.mfa_failed", request, failures=failures)
    if failures >= MAX_FAILURES:  # start over from the password
        logout(request)
        return True
    return False


def _page_context(site, request) -> dict:
    """The admin chrome without anything behind the portal (no app list before MFA)."""
    return {**site.each_context(request), "available_apps": [], "is_nav_sidebar_enabled": False,
            "has_permission": False}


def _may_use(site, request) -> bool:
    return request.user.is_authenticated and site.may_enter(request.user)


def verify_view(site):
    @never_cache
    @csrf_protect
    def view(request):
        if not _may_use(site, request):
            return redirect(reverse("ops_admin:login"))
        if mfa_passed(request):
            return redirect(_next(request))
        authenticator = totp_for(request.user)
        if authenticator is None:
            return redirect(f"{reverse('ops_admin:mfa_setup')}?next={quote(_next(request))}")
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if TOTP(authenticator).validate_code(form.cleaned_data["code"]):
                with transaction.atomic():
                    authenticator.record_usage()
                    return _passed(request, "auth.mfa_succeeded")
            if _failed(request):
                return redirect(reverse("ops_admin:login"))
            form.add_error("code", _("This code is not valid. Check your authenticator app and try again."))
        context = {**_page_context(site, request), "form": form, "next": _next(request),
                   "title": _("Two-step verification")}
        return render(request, "ops/mfa_verify.html", context)

    return view


def setup_view(site):
    @never_cache
    @csrf_protect
    def view(request):
        if not _may_use(site, request):
            return redirect(reverse("ops_admin:login"))
        if totp_for(request.user) is not None:
            return redirect(f"{reverse('ops_admin:mfa')}?next={quote(_next(request))}")
        secret = request.session.get(SESSION_SECRET) or generate_totp_secret()
        request.session[SESSION_SECRET] = secret
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if validate_totp_code(secret, form.cleaned_data["code"]):
                with transaction.atomic():
                    TOTP.activate(request.user, secret)
                    return _passed(request, "auth.mfa_enrolled")
            if _failed(request):
                return redirect(reverse("ops_admin:login"))
            form.add_error("code", _("This code is not valid. Check your authenticator app and try again."))
        label = quote(f"{site.site_title}:{request.user.email}")
        url = f"otpauth://totp/{label}?{urlencode({'secret': secret, 'issuer': str(site.site_title)}, quote_via=quote)}"
        context = {**_page_context(site, request), "form": form, "next": _next(request), "secret": secret,
                   "qr_svg": get_adapter().build_totp_svg(url), "title": _("Set up two-step verification")}
        return render(request, "ops/mfa_setup.html", context)

    return view
