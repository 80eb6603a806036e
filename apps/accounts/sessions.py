"""Sessions and devices of token logins: every refresh token belongs to a TokenSession
(its `sid` claim; the access tokens made from it carry it too). Rotation (refresh,
switch-role) continues the session; a person sees theirs and ends one or all others;
HQ ends all of a person's; a new password ends all. An ended session's refresh tokens
are refused (apps.accounts.services.token_refresh); its access tokens run out within
their lifetime (SIMPLE_JWT ACCESS_TOKEN_LIFETIME, 15 minutes)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.logging import request_context

from .errors import TokenRejected
from .models import TokenSession

# (pattern, name) in the order they are tried: the first match names the browser or app.
_BROWSERS = [(r"KAKAOTALK", "KakaoTalk"), (r"NAVER\(inapp", "Naver app"), (r"SamsungBrowser", "Samsung Internet"),
             (r"Edg(e|A|iOS)?/", "Edge"), (r"OPR/|Opera", "Opera"), (r"Firefox/|FxiOS/", "Firefox"),
             (r"Chrome/|CriOS/", "Chrome"), (r"Safari/", "Safari"), (r"okhttp", "Android app"),
             (r"CFNetwork|Alamofire", "iOS app"), (r"python-requests|curl|httpx|Go-http-client", "Script")]
_SYSTEMS = [(r"iPhone|iPad|iPod", "iOS"), (r"Android", "Android"), (r"Windows", "Windows"),
            (r"Mac OS X|Macintosh", "macOS"), (r"CrOS", "ChromeOS"), (r"Linux", "Linux")]


def device_label(user_agent: str) -> str:
    """"Chrome on Windows", "Safari on iOS", ... from a User-Agent; a person reads it."""
    def first(table):
        return next((name for pattern, name in table if re.search(pattern, user_agent or "")), None)

    browser, system = first(_BROWSERS), first(_SYSTEMS)
    if browser and system:
        return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or gettext("Unknown device")


def _seen_from() -> dict:
    context = request_context.get()
    return {"ip": context.get("ip") or None, "user_agent": (context.get("user_agent") or "")[:400]}


def session_record(*, refresh, user, tenant, session=None) -> TokenSession:
    """Put the new refresh token `refresh` in a session: a new one (a login), or `session`
    (the public id of the one it continues: refresh, switch-role). Sets its `sid` claim.
    A session that has ended is not continued (TokenRejected)."""
    expires = datetime.fromtimestamp(refresh["exp"], tz=UTC)
    seen = _seen_from()
    row = None
    if session:
        row = TokenSession.objects.select_for_update().filter(public_id=session, user_id=user.pk,
                                                              tenant_id=tenant.pk).first()
        if row is not None and row.ended_at is not None:
            raise TokenRejected()
    if row is None:
        row = TokenSession.objects.create(user_id=user.pk, tenant_id=tenant.pk, refresh_jti=refresh["jti"],
                                          expires_at=expires, **seen)
    else:
        TokenSession.objects.filter(pk=row.pk).update(refresh_jti=refresh["jti"], expires_at=expires,
                                                      last_used_at=timezone.now(), **seen)
    refresh["sid"] = str(row.public_id)
    return row


def session_ended(session) -> bool:
    """Whether the session with this public id has been ended (an unknown one has not:
    tokens of before sessions existed)."""
    return bool(session) and TokenSession.objects.filter(public_id=session, ended_at__isnull=False).exists()


def active_sessions(*, user, tenant):
    """The person's sessions on `tenant` that may still refresh, last used first."""
    return TokenSession.objects.filter(user_id=user.pk, tenant_id=tenant.pk, ended_at__isnull=True,
                                       expires_at__gt=timezone.now())


def _end(sessions, *, reason: str) -> list[TokenSession]:
    """End these sessions and revoke their current refresh tokens."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    ended = list(sessions.filter(ended_at__isnull=True).select_for_update())
    if not ended:
        return []
    TokenSession.objects.filter(pk__in=[row.pk for row in ended]).update(ended_at=timezone.now(), end_reason=reason)
    for outstanding in OutstandingToken.objects.filter(jti__in=[row.refresh_jti for row in ended]):
        BlacklistedToken.objects.get_or_create(token=outstanding)
    return ended


def _event(action: str, *, user, actor, tenant=None, **metadata) -> None:
    audit_record(action=action, category=AuditEvent.Category.SECURITY, actor=actor or user, target=user,
                 tenant=tenant, metadata=metadata)


def session_end(*, user, tenant, session) -> bool:
    """The person ends one of their sessions on `tenant` (`session`: its public id).
    False when they have no such active session."""
    with transaction.atomic():
        ended = _end(active_sessions(user=user, tenant=tenant).filter(public_id=session),
                     reason=TokenSession.EndReason.ENDED)
        if ended:
            _event("auth.session_ended", user=user, actor=user, tenant=tenant, session=str(session),
                   device=device_label(ended[0].user_agent))
    return bool(ended)


def sessions_end_others(*, user, tenant, keep=None) -> int:
    """The person ends every session of theirs on `tenant` but `keep` (the one asking)."""
    with transaction.atomic():
        ended = _end(active_sessions(user=user, tenant=tenant).exclude(public_id=keep) if keep
                     else active_sessions(user=user, tenant=tenant), reason=TokenSession.EndReason.ENDED)
        if ended:
            _event("auth.sessions_ended", user=user, actor=user, tenant=tenant, count=len(ended), reason="others")
    return len(ended)


def sessions_end_all(*, user, reason: str, actor=None) -> int:
    """Every session of the person, on every workspace: HQ's action (reason `hq`), a new
    password (`password_changed`)."""
    with transaction.atomic():
        ended = _end(TokenSession.objects.filter(user_id=user.pk), reason=reason)
        if ended or reason == TokenSession.EndReason.HQ:
            _event("auth.sessions_ended", user=user, actor=actor, count=len(ended), reason=reason)
    return len(ended)


def session_logout(*, refresh) -> None:
    """Logging out with a refresh token ends its session."""
    session = refresh.get("sid")
    if session:
        _end(TokenSession.objects.filter(public_id=session), reason=TokenSession.EndReason.LOGOUT)

