"""{% load money %} {{ invoice.total|money:invoice.currency }} -> "₩22,000" (apps.core.money)."""

from django import template

from apps.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency):
    return format_money(amount, currency)
