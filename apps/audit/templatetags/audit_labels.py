from django import template

from apps.audit.labels import action_label

register = template.Library()


@register.filter
def audit_label(action: str) -> str:
    """{{ event.action|audit_label }}: the action as a person reads it."""
    return action_label(action or "")
