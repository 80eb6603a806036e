"""Forms the catalog's admin pages share: a text field per language for translations,
and service refusals shown on the field."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from apps.core.errors import PlatformError

from .. import services
from ..models import Category, OptionGroup
from ..validation import check_choices, clean_translations

TEXT_LABELS = {"name": _("name"), "description": _("description")}


# --- Translations as one text field per language ---------------------------------------------



class TranslatedForm(forms.ModelForm):
    """A model form with "<field>_<language>" fields for the texts in `translations`
    (made per request by `translated_form`: the languages are settings')."""

    translated: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.translations or {}
        for code, _language in settings.LANGUAGES:
            for field in self.translated:
                name = f"{field}_{code}"
                if name in self.fields and not self.is_bound:
                    self.fields[name].initial = (stored.get(code) or {}).get(field, "")

    def clean(self):
        cleaned = super().clean()
        if not any(f"{field}_{code}" in self.fields for code, _l in settings.LANGUAGES for field in self.translated):
            return cleaned
        model = self._meta.model._meta
        limits = {field: model.get_field(field).max_length for field in self.translated}
        raw = {code: {field: cleaned.get(f"{field}_{code}") or "" for field in self.translated}
               for code, _language in settings.LANGUAGES}
        try:
            cleaned["translations"] = clean_translations(raw, fields=limits)
        except PlatformError as error:
            raise forms.ValidationError(error.details.get("translations") or [error.message]) from None
        return cleaned


def translation_field_names(texts) -> list[str]:
    return [f"{field}_{code}" for code, _language in settings.LANGUAGES for field in texts]


def translated_form(form_class: type[TranslatedForm], texts: tuple[str, ...]) -> type[TranslatedForm]:
    attrs = {"translated": texts}
    for code, language in settings.LANGUAGES:
        for field in texts:
            widget = (UnfoldAdminTextareaWidget(attrs={"rows": 2}) if field == "description"
                      else UnfoldAdminTextInputWidget())
            attrs[f"{field}_{code}"] = forms.CharField(
                label=format_lazy("{} ({})", capfirst(TEXT_LABELS[field]), language), required=False, widget=widget,
                help_text=_("Shown to customers reading in this language; empty: the text above."))
    return type(form_class.__name__, (form_class,), attrs)


def _form_errors_from(form, error: PlatformError, default_field: str | None = None) -> None:
    """A service's refusal as field errors (its `details` name the fields)."""
    placed = False
    for field, problems in (error.details or {}).items():
        if field in form.fields and isinstance(problems, list):
            for problem in problems:
                form.add_error(field, str(problem))
            placed = True
    if not placed:
        form.add_error(default_field, str(error.message))


# --- Categories ---------------------------------------------------------------------------


class CategoryForm(TranslatedForm):
    class Meta:
        model = Category
        fields = ["name", "position", "is_active"]



class OptionGroupForm(TranslatedForm):
    class Meta:
        model = OptionGroup
        fields = ["name", "required", "min_choices", "max_choices", "position"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(name in cleaned for name in ("min_choices", "max_choices")):
            try:
                check_choices(required=bool(cleaned.get("required")), min_choices=cleaned["min_choices"],
                              max_choices=cleaned["max_choices"])
            except PlatformError as error:
                _form_errors_from(self, error)
        return cleaned


class OptionGroupFormSet(BaseInlineFormSet):
    """Validated like any inline; written by item_update with the item (ItemAdmin.save_related)."""

    def specs(self) -> list[dict]:
        """The groups the item keeps: existing ones as edited (by id, options untouched),
        new filled ones; deleted ones left out."""
        rows = []
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            spec = {name: form.cleaned_data.get(name) for name in services.GROUP_FIELDS
                    if name in form.cleaned_data}
            if form.instance.pk is not None:
                spec["id"] = form.instance.pk
            rows.append(spec)
        return rows


def compact_row(formset, *, numbers: tuple[str, ...]):
    """An inline's row that reads on a laptop: small numbers in narrow boxes, so that the
    names and the options get the room (a table row gives every input the same share)."""
    for name, field in formset.form.base_fields.items():
        if name in numbers:
            field.widget.attrs["style"] = "max-width: 5rem; min-width: 4rem"
    return formset
