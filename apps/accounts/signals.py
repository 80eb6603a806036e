"""allauth tells us when a password was reset, changed or set: that ends a lockout
(apps.accounts.services.user_password_changed). Receivers only forward."""

from allauth.account import signals as allauth_signals
from django.dispatch import receiver

from . import services


@receiver(allauth_signals.password_reset, dispatch_uid="accounts.password_reset_unlocks")
def _password_reset(sender, request, user, **kwargs):
    services.user_password_changed(user=user, via="password_reset")


@receiver(allauth_signals.password_changed, dispatch_uid="accounts.password_changed_unlocks")
def _password_changed(sender, request, user, **kwargs):
    services.user_password_changed(user=user, via="password_change")


@receiver(allauth_signals.password_set, dispatch_uid="accounts.password_set_unlocks")
def _password_set(sender, request, user, **kwargs):
    services.user_password_changed(user=user, via="password_set")
