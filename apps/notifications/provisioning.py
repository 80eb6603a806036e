"""What a new workspace starts with: the industry template's notification templates
(its `notification_templates` part, apps.industry.registry) and this app's defaults for
the commerce events (a provisioning step, settings.PROVISIONING_STEPS)."""

from __future__ import annotations

from apps.industry.registry import template_part

from .defaults import DEFAULT_TEMPLATES
from .services import templates_seed


@template_part("notification_templates")
def apply_industry_templates(*, tenant, items: list[dict]) -> int:
    """The industry template's messages, as written by HQ. Their events may be declared by
    a business module that is not installed yet: they are kept (they wait for the event)."""
    return templates_seed(items=items, known_event=False)


def seed_default_templates(*, tenant, owner) -> None:
    """Provisioning step: e-mail and in-app messages (English and Korean) for the orders,
    payments and refunds every workspace has; an industry template's own text for the same
    event, audience, channel and language wins (it is applied first)."""
    templates_seed(items=DEFAULT_TEMPLATES, known_event=False)
