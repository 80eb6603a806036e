"""The audit actions apps.accounts writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "auth.login_succeeded": pgettext_lazy("audit action", "Logged in"),
        "auth.login_failed": pgettext_lazy("audit action", "Login failed"),
        "auth.account_locked": pgettext_lazy("audit action", "Account locked"),
        "auth.account_unlocked": pgettext_lazy("audit action", "Account unlocked"),
        "auth.ip_blocked": pgettext_lazy("audit action", "Address blocked after failed logins"),
        "auth.mfa_enrolled": pgettext_lazy("audit action", "Authenticator app set up"),
        "auth.mfa_succeeded": pgettext_lazy("audit action", "Second factor passed"),
        "auth.mfa_failed": pgettext_lazy("audit action", "Wrong second-factor code"),
        "auth.password_changed": pgettext_lazy("audit action", "Password changed"),
        "auth.permission_denied": pgettext_lazy("audit action", "Permission denied"),
        "auth.role_switched": pgettext_lazy("audit action", "Switched role"),
        "auth.token_refreshed": pgettext_lazy("audit action", "API token refreshed"),
        "auth.session_ended": pgettext_lazy("audit action", "Session ended"),
        "auth.sessions_ended": pgettext_lazy("audit action", "Sessions ended"),
        "auth.social_linked": pgettext_lazy("audit action", "Kakao or Naver login linked"),
        "auth.social_signed_up": pgettext_lazy("audit action", "Signed up with Kakao or Naver"),
    })
