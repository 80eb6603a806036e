"""An option group's own page (reached from its item), with its options inline."""

from __future__ import annotations

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError

from .. import services
from ..models import Option, OptionGroup

# --- Translations as one text field per language ---------------------------------------------
from .forms import (
    OptionGroupForm,
    TranslatedForm,
    compact_row,
    translated_form,
    translation_field_names,
)


class OptionForm(TranslatedForm):
    class Meta:
        model = Option
        fields = ["name", "price_delta", "is_available", "position"]


class OptionFormSet(BaseInlineFormSet):
    def specs(self) -> list[dict]:
        rows = []
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            spec = {name: form.cleaned_data.get(name) for name in services.OPTION_FIELDS if name in form.cleaned_data}
            if form.instance.pk is not None:
                spec["id"] = form.instance.pk
            rows.append(spec)
        return rows


class OptionInline(TabularInline):
    model = Option
    form = OptionForm
    formset = OptionFormSet
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = translated_form(OptionForm, ("name",))
        return compact_row(super().get_formset(request, obj, **kwargs), numbers=("price_delta", "position"))

    def get_fields(self, request, obj=None):
        return ["name", *translation_field_names(("name",)), "price_delta", "is_available", "position"]

    def _group_admin(self):
        return self.admin_site._registry[OptionGroup]

    def has_view_permission(self, request, obj=None):
        return self._group_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._group_admin().has_change_permission(request, obj)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


class OptionGroupPageForm(OptionGroupForm):
    class Meta:
        model = OptionGroup
        fields = ["item", "name", "required", "min_choices", "max_choices", "position"]


@admin.register(OptionGroup, site=tenant_admin)
class OptionGroupAdmin(ServiceDeleteMixin, ModelAdmin):
    """Reached from an item's page (its option groups' "Edit options" link), not the sidebar."""

    empty_help = _("Option groups are the choices of an item, e.g. “Size” or “Extra toppings”. Add them on the "
                   "item's page.")
    form = OptionGroupPageForm
    list_display = ["name", "item", "required", "min_choices", "max_choices"]
    list_select_related = ["item"]
    search_fields = ["name", "item__name"]
    inlines = [OptionInline]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = translated_form(OptionGroupPageForm, ("name",))
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": ["item", "name", "required", "min_choices", "max_choices", "position"]}),
                (_("Translations"), {"fields": translation_field_names(("name",))})]

    def get_readonly_fields(self, request, obj=None):
        return ["item"] if obj is not None else []

    # Rights: the item's (option groups have no permissions of their own).
    def has_module_permission(self, request):
        return False  # not in the sidebar nor the index: each item's page links to its groups

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("catalog.view_item") or request.user.has_perm("catalog.change_item")

    def has_add_permission(self, request):
        return request.user.has_perm("catalog.change_item")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("catalog.change_item")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("catalog.change_item")

    def save_model(self, request, obj, form, change):
        pass  # save_related writes the group with its options

    def save_related(self, request, form, formsets, change):
        data = {f: form.cleaned_data[f] for f in services.GROUP_FIELDS if f in form.cleaned_data}
        options = next((fs for fs in formsets if isinstance(fs, OptionFormSet)), None)
        specs = options.specs() if options is not None and options.has_changed() else None
        try:
            if change:
                services.option_group_update(group=OptionGroup.objects.get(pk=form.instance.pk), actor=request.user,
                                             options=specs, **data)
            else:
                group = services.option_group_create(item=form.cleaned_data["item"], actor=request.user,
                                                     options=specs or [], **data)
                form.instance.pk = group.pk
        except PlatformError as error:
            messages.error(request, str(error.message))
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_with_service(self, request, obj):
        services.option_group_delete(group=obj, actor=request.user)

    def response_post_save_change(self, request, obj):
        """Back to the item, where the group came from."""
        return redirect(reverse("tenant_admin:catalog_item_change", args=[obj.item_id]))
