"""Template helpers of the account pages (templates/account/layout.html): plain Django and
allauth forms drawn with django-unfold's input classes, so that their fields look like the
admin login's."""

from __future__ import annotations

from django import forms, template
from unfold.widgets import BASE_INPUT_CLASSES, CHECKBOX_CLASSES, RADIO_CLASSES, SELECT_CLASSES

register = template.Library()


def _classes(widget) -> list[str]:
    if isinstance(widget, forms.CheckboxInput):
        return CHECKBOX_CLASSES
    if isinstance(widget, forms.RadioSelect):
        return RADIO_CLASSES
    if isinstance(widget, forms.Select):
        return SELECT_CLASSES
    return BASE_INPUT_CLASSES


@register.filter
def unfold_form(form, options: str = ""):
    """`form`, its widgets carrying unfold's classes (a form's fields are its own copies).
    `"no_help"`: without the fields' help texts (the log-in page's own "Forgot password?"
    link replaces allauth's help text under the password)."""
    for field in form.fields.values():
        if options == "no_help":
            field.help_text = ""
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        widget.attrs.pop("placeholder", None)  # the label says it, as on the admin login
        current = widget.attrs.get("class", "")
        if "border-base-200" not in current and "appearance-none" not in current:
            widget.attrs["class"] = " ".join([*_classes(widget), current]).strip()
    return form
