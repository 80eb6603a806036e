from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Identity")

    def ready(self):
        from . import keys, labels, signals  # noqa: F401  (signals: a password reset ends a lockout)

        labels.register()  # the audit actions it writes, as people read them
        keys.install()  # tokens signed RS256 with our keys (apps.accounts.keys)
