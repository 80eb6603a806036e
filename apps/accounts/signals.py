"""Receivers only forward:

- allauth's two-step stage took an authenticator code: the portal's own step counts as
  passed (apps.accounts.mfa.mfa_passed_in_allauth);
- allauth tells us when a password was reset, changed or set: that ends a lockout
  (apps.accounts.services.user_password_changed);
- fallback for the member check cached per request (apps.accounts.selectors): the
  services call `members_changed` themselves; these receivers cover saves that bypass them
  (the admin's forms, a shell, a test saving a row). `QuerySet.update()` sends no signal,
  so code that uses it must call `members_changed`."""

from allauth.account import signals as allauth_signals
from allauth.mfa import signals as mfa_signals
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import mfa, services
from .models import Membership, User
from .selectors import MEMBER_USER_FIELDS


@receiver(allauth_signals.password_reset, dispatch_uid="accounts.password_reset_unlocks")
def _password_reset(sender, request, user, **kwargs):
    services.user_password_changed(user=user, via="password_reset")


@receiver(allauth_signals.password_changed, dispatch_uid="accounts.password_changed_unlocks")
def _password_changed(sender, request, user, **kwargs):
    services.user_password_changed(user=user, via="password_change")


@receiver(allauth_signals.password_set, dispatch_uid="accounts.password_set_unlocks")
def _password_set(sender, request, user, **kwargs):
    services.user_password_changed(user=user, via="password_set")


@receiver(mfa_signals.authenticator_used, dispatch_uid="accounts.allauth_mfa_counts_for_the_portal")
def _authenticator_used(sender, request, user, authenticator, **kwargs):
    mfa.mfa_passed_in_allauth(request, user)


@receiver(post_save, sender=User, dispatch_uid="accounts.user_saved_forgets_member")
def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    # A login writes last_login or the lockout counters: nothing the member check keeps.
    if created or (update_fields is not None and not set(update_fields) & set(MEMBER_USER_FIELDS)):
        return
    services.members_changed(user_ids=[instance.pk])


@receiver(post_delete, sender=User, dispatch_uid="accounts.user_deleted_forgets_member")
def _user_deleted(sender, instance, **kwargs):
    services.members_changed(user_ids=[instance.pk])


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="accounts.membership_changed_forgets_member")
def _membership_changed(sender, instance, **kwargs):
    services.members_changed(user_ids=[instance.user_id])
