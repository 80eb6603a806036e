"""The empty change list (templates/unfold/helpers/empty_results.html): its icon is the
ModelAdmin's `empty_icon`, else the one its page has in the site's sidebar
(apps.core.admin_navigation), else an inbox."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def empty_icon(cl) -> str:
    model_admin = cl.model_admin
    icon = getattr(model_admin, "empty_icon", "")
    if icon:
        return icon
    navigation = getattr(model_admin.admin_site, "navigation", None)
    for item in getattr(navigation, "items", ()):
        if item.model is cl.model and item.icon:
            return item.icon
    return "inbox"
