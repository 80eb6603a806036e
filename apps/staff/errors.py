"""Staff's refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import Conflict, InvalidData, PlatformError


class InvitationInvalid(PlatformError):
    code = "invitation_invalid"
    status = 404
    message = _("This invitation link is not valid.")


class InvitationExpired(PlatformError):
    code = "invitation_expired"
    status = 410
    message = _("This invitation has expired. Ask for a new one.")


class InvitationUsed(PlatformError):
    code = "invitation_used"
    status = 410
    message = _("This invitation has already been used.")


class InvitationRevoked(PlatformError):
    code = "invitation_revoked"
    status = 410
    message = _("This invitation was withdrawn.")


class AccountExists(PlatformError):
    code = "account_exists"
    status = 409
    message = _("An account with this email already exists but has no password yet. Set its password with "
                "the password reset email first, then accept the invitation with that password.")


class AlreadyMember(Conflict):
    code = "already_member"
    message = _("%(email)s is already a staff member here.")


class InvitationPending(Conflict):
    code = "invitation_pending"
    message = _("%(email)s already has a pending invitation; resend it instead.")


class InvitationNotPending(Conflict):
    code = "invitation_not_pending"
    message = _("Only pending invitations can be resent.")


class OwnerProtected(Conflict):
    code = "owner_protected"
    message = _("The workspace owner cannot be deactivated.")


class SelfDeactivation(Conflict):
    code = "self_deactivation"
    message = _("You cannot deactivate yourself.")


class NoRoles(InvalidData):
    message = _("Choose at least one role.")


class WeakPassword(InvalidData):
    message = _("Choose a stronger password.")
