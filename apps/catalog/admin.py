"""The catalog in the tenant admin: categories; items with their option groups inline
(each group's options on the group's own page, linked from the item), images, and the
sold-out and active switches. Every save and delete goes through apps.catalog.services;
the forms run the services' checks first, so a refusal shows on the field."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from apps.branches.selectors import branch_list_open
from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation, admin_subpage
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.core.money import Money

from . import services
from .models import Category, Item, ItemImage, Option, OptionGroup
from .validation import check_choices, check_image, clean_translations

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


admin_navigation(tenant_admin, "catalog", model=Item, icon="inventory_2", order=10)
admin_navigation(tenant_admin, "catalog", model=Category, icon="category", order=20)
admin_subpage(tenant_admin, OptionGroup)
