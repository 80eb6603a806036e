"""Consumers' refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.errors import InvalidCredentials
from apps.core.errors import Conflict, PlatformError


class ConsentRequired(PlatformError):
    """`details.consents`: the documents that must be accepted and were not."""

    code = "consent_required"
    status = 400
    message = _("Please accept the terms of service and the privacy policy to register.")


class AlreadyRegistered(PlatformError):
    code = "already_registered"
    status = 409
    message = _("You are already registered here. Log in instead.")


class ConsumerSuspended(PlatformError):
    code = "consumer_suspended"
    status = 403
    message = _("Your customer account here has been suspended. Please contact the business.")


class ExistingAccountPassword(InvalidCredentials):
    """An account with the e-mail exists already and the password is not its password."""

    message = _("An account with this email address already exists. Enter its password to register here, "
                "or reset the password first.")


class RegistrationRace(Conflict):
    message = _("This email address was registered at the same moment by another request. Please try again.")


class NotAConsumer(PlatformError):
    code = "not_a_consumer"
    status = 403
    message = _("This is for registered customers of this business. Register first.")
