"""Categories in the tenant admin."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_sites import tenant_admin

from .. import services
from ..models import Category

# --- Translations as one text field per language ---------------------------------------------
from .forms import (
    CategoryForm,
    translated_form,
    translation_field_names,
)


@admin.register(Category, site=tenant_admin)
class CategoryAdmin(ServiceDeleteMixin, ModelAdmin):
    empty_help = _("Categories group what you sell on the menu or price list, e.g. “Coffee” or “Spring courses”.")
    form = CategoryForm
    list_display = ["name", "position", "is_active", "item_count"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = translated_form(CategoryForm, ("name",))
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": ["name", "position", "is_active"]}),
                (_("Translations"), {"fields": translation_field_names(("name",))})]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("items"))

    @admin.display(description=_("items"), ordering="item_total")
    def item_count(self, obj):
        return obj.item_total

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.CATEGORY_FIELDS if f in form.cleaned_data}
        if change:
            services.category_update(category=Category.objects.get(pk=obj.pk), actor=request.user, **data)
        else:
            obj.pk = services.category_create(actor=request.user, **data).pk

    def delete_with_service(self, request, obj):
        services.category_delete(category=obj, actor=request.user)


# --- Option groups (inline on the item) ------------------------------------------------------
