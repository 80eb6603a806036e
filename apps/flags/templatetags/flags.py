from django import template

from apps.flags.evaluation import flag_enabled as _flag_enabled

register = template.Library()


@register.simple_tag(takes_context=True)
def flag_enabled(context, key: str) -> bool:
    """{% flag_enabled "new-dashboard" as show %}{% if show %}...{% endif %}"""
    request = context.get("request")
    tenant = getattr(request, "tenant", None)
    return _flag_enabled(key, tenant=tenant, user=getattr(request, "user", None)) if tenant else False
