"""What a business sells: categories, items (products, services, courses, menu items)
with option groups, images, per-branch availability and optional stock.

Names and descriptions are written in the workspace's language; `translations` holds the
other languages ({"en": {"name": "...", "description": "..."}}) and readers get their own
(apps.catalog.translation). Prices are VAT-inclusive integers in the currency's minor unit."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Q
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from apps.workspace.storage import tenant_media_storage


def _currency():
    return settings.COMMERCE_CURRENCY


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class Item(models.Model):
    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        SERVICE = "service", _("Service")
        COURSE = "course", _("Course")
        MENU_ITEM = "menu_item", _("Menu item")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PRODUCT)
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="items")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    price = models.BigIntegerField(_("price"), validators=[MinValueValidator(0)],
                                   help_text=_("Including VAT, in the currency's smallest unit (won)."))
    currency = models.CharField(_("currency"), max_length=3, default=_currency)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2, default=10,
                                   validators=[MinValueValidator(0), MaxValueValidator(100)],
                                   help_text=_("0 for VAT-exempt items such as tuition."))
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive items are hidden from customers."))
    is_sold_out = models.BooleanField(_("sold out"), default=False)
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True,
                                        help_text=_("Leave empty when stock is not counted."))
    branches = models.ManyToManyField("branches.Branch", verbose_name=_("branches"), blank=True, related_name="+",
                                      help_text=_("Where it is offered; none selected means every branch."))
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["is_active", "kind"])]

    def __str__(self):
        return self.name


class OptionGroup(models.Model):
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="option_groups")
    name = models.CharField(_("name"), max_length=120)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    min_choices = models.PositiveSmallIntegerField(_("minimum choices"), default=0)
    max_choices = models.PositiveSmallIntegerField(_("maximum choices"), default=1)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option group")
        verbose_name_plural = _("option groups")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_choices__gte=F("min_choices")) & Q(max_choices__gte=1),
                                   name="catalog_optiongroup_choices_range",
                                   violation_error_code="option_choices_invalid",
                                   violation_error_message=_("The maximum number of choices must be at least 1 "
                                                             "and not below the minimum.")),
            models.CheckConstraint(condition=Q(required=False) | Q(min_choices__gte=1),
                                   name="catalog_optiongroup_required_min",
                                   violation_error_code="option_choices_invalid",
                                   violation_error_message=_("A required group needs at least one choice.")),
        ]

    def __str__(self):
        return self.name


class Option(models.Model):
    group = models.ForeignKey(OptionGroup, verbose_name=_("option group"), on_delete=models.CASCADE,
                              related_name="options")
    name = models.CharField(_("name"), max_length=120)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    price_delta = models.BigIntegerField(_("price change"), default=0,
                                         help_text=_("Added to the item's price (negative for a cheaper choice)."))
    is_available = models.BooleanField(_("available"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


def item_image_path(instance, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"{connection.schema_name}/catalog/item-{get_random_string(12)}.{extension}"


class ItemImage(models.Model):
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("image"), upload_to=item_image_path, storage=tenant_media_storage)
    alt_text = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "id"]

    def __str__(self):
        return self.alt_text or self.image.name
