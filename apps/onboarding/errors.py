"""Onboarding's refusals (codes are stable: the portal, API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class OnboardingError(PlatformError):
    """The approval step or the tenant is not in a state that allows this."""

    code = "onboarding_error"
    status = 409
    message = _("This step cannot be decided now.")


class ChecklistAutomatic(OnboardingError):
    code = "checklist_automatic"
    message = _("“%(item)s” ticks itself: %(how)s")


class ChecklistAfterActivation(OnboardingError):
    code = "checklist_after_activation"
    message = _("“%(item)s” is done once the workspace of %(name)s exists, after activation.")


class ChecklistIncomplete(OnboardingError):
    code = "checklist_incomplete"
    message = _("Complete the checklist first: %(items)s.")


class FourEyes(OnboardingError):
    """`details.approved_by_you`: the stages this person already approved."""

    code = "four_eyes"
    message = _("Four-eyes rule: you already approved %(stages)s for %(name)s; someone else must approve "
                "%(stage)s.")


class CommentRequired(OnboardingError):
    code = "comment_required"
    status = 400
    message = _("Write a comment first.")


class InvalidAssignee(OnboardingError):
    code = "invalid_assignee"
    status = 400
    message = _("Steps can only be assigned to active HQ staff.")
