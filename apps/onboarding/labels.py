"""The audit actions apps.onboarding writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "onboarding.checklist_changed": pgettext_lazy("audit action", "Checklist item updated"),
        "onboarding.four_eyes_relaxed": pgettext_lazy("audit action", "Second stage approved by the same person"),
        "onboarding.step_assigned": pgettext_lazy("audit action", "Onboarding step assigned"),
        "onboarding.step_commented": pgettext_lazy("audit action", "Onboarding step commented"),
        "onboarding.step_approved": pgettext_lazy("audit action", "Onboarding step approved"),
        "onboarding.step_rejected": pgettext_lazy("audit action", "Onboarding step rejected"),
        "onboarding.step_reopened": pgettext_lazy("audit action", "Onboarding step reopened"),
        "onboarding.template_changed": pgettext_lazy("audit action", "Checklist template changed"),
        "onboarding.template_item_deleted": pgettext_lazy("audit action", "Checklist template item deleted"),
    })
