"""Items in the tenant admin: option groups and images inline, the sold-out and active
switches; saves and deletes go through apps.catalog.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display

from apps.branches.selectors import branch_list_open
from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.core.money import Money

from .. import services
from ..models import Item, ItemImage, OptionGroup
from ..validation import check_image

# --- Translations as one text field per language ---------------------------------------------
from .forms import (
    OptionGroupForm,
    OptionGroupFormSet,
    TranslatedForm,
    compact_row,
    translated_form,
    translation_field_names,
)


class _ItemPartInline(TabularInline):
    """Option groups and images have no permissions of their own (apps.authz HIDDEN_MODELS):
    they come with the item's."""

    extra = 0

    def _item_admin(self):
        return self.admin_site._registry[Item]

    def has_view_permission(self, request, obj=None):
        return self._item_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        parent = self._item_admin()
        return parent.has_change_permission(request, obj) if obj else parent.has_add_permission(request)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


class OptionGroupInline(_ItemPartInline):
    model = OptionGroup
    formset = OptionGroupFormSet
    form = OptionGroupForm
    readonly_fields = ["options_summary"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = translated_form(OptionGroupForm, ("name",))
        formset = compact_row(super().get_formset(request, obj, **kwargs),
                              numbers=("min_choices", "max_choices", "position"))
        for name, label in (("min_choices", _("Min. choices")), ("max_choices", _("Max. choices"))):
            if name in formset.form.base_fields:  # short column headings: the row has eight columns
                formset.form.base_fields[name].label = label
        return formset

    def get_fields(self, request, obj=None):
        return ["name", *translation_field_names(("name",)), "required", "min_choices", "max_choices", "position",
                "options_summary"]

    @admin.display(description=_("options"))
    def options_summary(self, group):
        if group.pk is None:
            return _("Save the item, then add the options.")
        names = ", ".join(f"{option.name} ({Money(option.price_delta, group.item.currency).format()})"
                          if option.price_delta else option.name for option in group.options.all())
        link = reverse("tenant_admin:catalog_optiongroup_change", args=[group.pk])
        return format_html('<div style="min-width: 9rem">{}<br><a href="{}" class="text-primary-600 underline">{}</a>'
                           '</div>', names or "—", link, _("Edit options"))


# --- Images (inline on the item) ----------------------------------------------------------------


class ItemImageForm(forms.ModelForm):
    class Meta:
        model = ItemImage
        fields = ["image", "alt_text", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload
            try:
                check_image(image)
            except PlatformError as error:
                raise forms.ValidationError(str(error.message), code=error.code) from None
        return image


def image_link(image: ItemImage) -> str | None:
    try:
        return reverse("catalog-image", args=[image.pk])
    except NoReverseMatch:  # the API's URLs are not mounted on this host
        return None


class ItemImageInline(_ItemPartInline):
    model = ItemImage
    form = ItemImageForm
    fields = ["preview", "image", "alt_text", "position"]
    readonly_fields = ["preview"]
    max_num = services.MAX_IMAGES

    @admin.display(description=_("preview"))
    def preview(self, image):
        link = image_link(image) if image.pk else None
        if link is None:
            return "—"
        return format_html('<img src="{}" alt="{}" style="max-height:4rem;max-width:8rem;border-radius:4px">', link,
                           image.alt_text)


# --- Items ----------------------------------------------------------------------------------


class ItemForm(TranslatedForm):
    class Meta:
        model = Item
        fields = ["name", "description", "kind", "category", "price", "vat_rate", "is_active", "is_sold_out",
                  "stock", "branches", "position"]


class SoldOutFilter(admin.SimpleListFilter):
    title = _("sold out")
    parameter_name = "sold_out"

    def lookups(self, request, model_admin):
        return [("yes", _("Sold out")), ("no", _("On sale"))]

    def queryset(self, request, queryset):
        condition = Q(is_sold_out=True) | Q(stock=0)
        if self.value() == "yes":
            return queryset.filter(condition)
        if self.value() == "no":
            return queryset.exclude(condition)
        return queryset


@admin.register(Item, site=tenant_admin)
class ItemAdmin(ServiceDeleteMixin, ModelAdmin):
    empty_help = _("Items are what customers order or book: products, services, courses or dishes, with their "
                   "price, options and photos. Add your first one.")
    form = ItemForm
    list_display = ["name", "kind", "category", "price_display", "is_active", "sold_out", "stock", "position"]
    list_filter = ["kind", "category", "is_active", SoldOutFilter]
    search_fields = ["name", "description"]
    list_select_related = ["category"]
    inlines = [OptionGroupInline, ItemImageInline]
    actions = ["mark_sold_out", "mark_on_sale", "activate", "deactivate"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = translated_form(ItemForm, ("name", "description"))
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["name", "description", "kind", "category", "price", "vat_rate"]}),
            (_("Availability"), {"fields": ["is_active", "is_sold_out", "stock", "branches", "position"]}),
            (_("Translations"), {"fields": translation_field_names(("name", "description"))}),
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "branches":
            kwargs["queryset"] = branch_list_open()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, item):
        return Money(item.price, item.currency).format()

    @display(description=_("availability"), label={"sold_out": "danger", "on_sale": "success"})
    def sold_out(self, item):
        if item.is_sold_out or item.stock == 0:
            return "sold_out", _("Sold out")
        return "on_sale", _("On sale")

    # Saving: the item with its option groups, then its images, each through a service.

    def save_model(self, request, obj, form, change):
        pass  # save_related writes the item and its option groups together

    def save_related(self, request, form, formsets, change):
        data = {f: form.cleaned_data[f] for f in services.ITEM_FIELDS if f in form.cleaned_data}
        branches = form.cleaned_data.get("branches") if "branches" in form.cleaned_data else None
        groups = next((fs for fs in formsets if isinstance(fs, OptionGroupFormSet)), None)
        images = next((fs for fs in formsets if fs.model is ItemImage), None)
        option_groups = groups.specs() if groups is not None and groups.has_changed() else None
        try:
            if change:
                item = services.item_update(item=Item.objects.get(pk=form.instance.pk), actor=request.user,
                                            branches=branches, option_groups=option_groups, **data)
            else:
                item = services.item_create(actor=request.user, branches=branches or (),
                                            option_groups=option_groups or [], **data)
                form.instance.pk = item.pk
            if images is not None:
                self._save_images(request, item, images)
        except PlatformError as error:  # checked by the forms already; a concurrent change may still refuse
            messages.error(request, str(error.message))
        for formset in formsets:  # read by the admin's change message; the services saved the rows
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _save_images(self, request, item, formset):
        for form in formset.forms:
            if not form.cleaned_data:
                continue
            stored = form.instance.pk is not None
            if stored and formset._should_delete_form(form):
                services.item_image_delete(image=ItemImage.objects.get(pk=form.instance.pk), actor=request.user)
            elif stored and "image" in form.changed_data:  # a new file for a row: a new image
                services.item_image_delete(image=ItemImage.objects.get(pk=form.instance.pk), actor=request.user)
                services.item_image_add(item=item, actor=request.user, image=form.cleaned_data["image"],
                                        alt_text=form.cleaned_data.get("alt_text", ""),
                                        position=form.cleaned_data.get("position"))
            elif stored and form.has_changed():
                services.item_image_update(image=ItemImage.objects.get(pk=form.instance.pk), actor=request.user,
                                           **{f: form.cleaned_data[f] for f in services.IMAGE_FIELDS})
            elif not stored and form.cleaned_data.get("image"):
                services.item_image_add(item=item, actor=request.user, image=form.cleaned_data["image"],
                                        alt_text=form.cleaned_data.get("alt_text", ""),
                                        position=form.cleaned_data.get("position"))

    def delete_with_service(self, request, obj):
        services.item_delete(item=obj, actor=request.user)

    # Switches for many items at once (the kitchen's "sold out for today").

    def _switch(self, request, queryset, message, **change):
        count = 0
        for item in queryset:
            if "sold_out" in change:
                services.item_set_sold_out(item=item, sold_out=change["sold_out"], actor=request.user)
            else:
                services.item_update(item=item, actor=request.user, **change)
            count += 1
        messages.success(request, message % {"count": count})

    @admin.action(description=_("Mark selected items sold out"), permissions=["change"])
    def mark_sold_out(self, request, queryset):
        self._switch(request, queryset, _("%(count)s items marked sold out."), sold_out=True)

    @admin.action(description=_("Put selected items back on sale"), permissions=["change"])
    def mark_on_sale(self, request, queryset):
        self._switch(request, queryset, _("%(count)s items back on sale."), sold_out=False)

    @admin.action(description=_("Show selected items to customers"), permissions=["change"])
    def activate(self, request, queryset):
        self._switch(request, queryset, _("%(count)s items shown to customers."), is_active=True)

    @admin.action(description=_("Hide selected items from customers"), permissions=["change"])
    def deactivate(self, request, queryset):
        self._switch(request, queryset, _("%(count)s items hidden from customers."), is_active=False)


# --- An option group's own page: its options -----------------------------------------------------
