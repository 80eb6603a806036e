"""The public directory of businesses (public schema): one listing per tenant, a
snapshot its tenant's services keep current (name, branches with hours, rating, orders
per day), so that the directory never reads tenant schemas while it answers.

`headline` and `description` are written in the workspace's language (`language`);
`translations` holds other languages: {"en": {"headline": "...", "description": "..."}}."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.tenants.models import Tenant

TRANSLATED_FIELDS = ("headline", "description")


class Listing(models.Model):
    tenant = models.OneToOneField(Tenant, verbose_name=_("tenant"), on_delete=models.CASCADE, related_name="listing")
    is_listed = models.BooleanField(_("listed"), default=False,
                                    help_text=_("Shown in the public directory (the workspace opts in)."))
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    business_type = models.CharField(_("business type"), max_length=20, choices=Tenant.BusinessType.choices,
                                     db_index=True)
    language = models.CharField(_("language"), max_length=10, default="ko",
                                help_text=_("The language the headline and description are written in."))
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    branches = models.JSONField(_("branches"), default=list, blank=True)
    rating_avg = models.DecimalField(_("average rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    synced_at = models.DateTimeField(_("synced at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("directory listing")
        verbose_name_plural = _("directory listings")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["is_listed", "business_type"])]

    def __str__(self):
        return self.name

    def clean(self):
        languages = dict(settings.LANGUAGES)
        problem = ValidationError({"translations": _(
            'Give translations per language, e.g. {"en": {"headline": "...", "description": "..."}}.')})
        if not isinstance(self.translations, dict):
            raise problem
        for language, texts in self.translations.items():
            if language not in languages:
                raise ValidationError({"translations": _("“%(language)s” is not a language of the platform "
                                                         "(%(languages)s).")
                                       % {"language": language, "languages": ", ".join(languages)}})
            if not isinstance(texts, dict) or any(key not in TRANSLATED_FIELDS or not isinstance(value, str)
                                                  for key, value in texts.items()):
                raise problem
            if len(texts.get("headline", "")) > 200:
                raise ValidationError({"translations": _("A headline has at most 200 characters.")})


class ListingDailyOrders(models.Model):
    """How many orders a listed business received on a day (its tenant's order service
    counts them in), for ranking by recent orders."""

    listing = models.ForeignKey(Listing, verbose_name=_("listing"), on_delete=models.CASCADE,
                                related_name="daily_orders")
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("orders"), default=0)

    class Meta:
        verbose_name = _("orders per day")
        verbose_name_plural = _("orders per day")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["listing", "day"], name="directory_daily_orders_unique")]

    def __str__(self):
        return f"{self.listing} {self.day}: {self.count}"
