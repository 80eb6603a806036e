"""This app's settings with their defaults (platform_/settings may set each one; read at
call time, never at import)."""

from django.conf import settings

DEFAULTS = {
    # SMS / Kakao AlimTalk providers (apps.notifications.channels): the sandbox records, Solapi sends.
    "NOTIFICATIONS_SMS_PROVIDER": "apps.notifications.channels.sandbox.SandboxProvider",
    "NOTIFICATIONS_ALIMTALK_PROVIDER": "apps.notifications.channels.sandbox.SandboxProvider",
    "NOTIFICATIONS_SMS_SENDER": "",  # the registered sending number, e.g. 0212345678
    # No SMS / AlimTalk between these local times of the workspace ("" for none).
    "NOTIFICATIONS_QUIET_HOURS": "21:00-08:00",
    # Waits before each retry of a failed delivery; after the last one it fails for good.
    "NOTIFICATIONS_RETRY_SECONDS": [60, 300, 1800, 7200],
    "SOLAPI_API_KEY": "",
    "SOLAPI_API_SECRET": "",
    "SOLAPI_KAKAO_PF_ID": "",
    "SOLAPI_BASE_URL": "https://api.solapi.com",
    "SOLAPI_TIMEOUT_SECONDS": 10,
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
