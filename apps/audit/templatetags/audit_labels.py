from django import template

from apps.audit.labels import action_label, target_label

register = template.Library()


@register.filter
def audit_label(action: str) -> str:
    """{{ event.action|audit_label }}: the action as a person reads it."""
    return action_label(action or "")


@register.filter
def audit_target(target_repr: str) -> str:
    """{{ event.target_repr|audit_target }}: the target's recorded name, in the reader's language
    where the platform ships it."""
    return target_label(target_repr or "")
