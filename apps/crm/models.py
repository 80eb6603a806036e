"""Customers of the business (students, parents, diners), scoped by branch."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from apps.core.clock import workspace_today

ADULT_AGE = 19  # Korean age of majority
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    color = models.CharField(_("colour"), max_length=7, default="#64748b")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Customer(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("platform account"), null=True, blank=True,
                             on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    phone = PhoneNumberField(_("phone"), blank=True)  # E.164; national numbers read as Korean
    email = models.EmailField(_("email"), blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    marketing_consent = models.BooleanField(_("marketing consent"), default=False)
    marketing_consent_at = models.DateTimeField(_("consent changed at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    branch = models.ForeignKey("branches.Branch", verbose_name=_("branch"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="customers")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]
        permissions = [("import_customer", _("Can import customers from CSV")),
                       ("export_customer", _("Can export customers as CSV"))]
        indexes = [models.Index(fields=["phone"]), models.Index(fields=["email"])]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # tomorrow still counts as today somewhere (a birth this morning in Seoul is tomorrow in UTC)
        if self.birth_date is not None and not EARLIEST_BIRTH_DATE <= self.birth_date <= date.today() + timedelta(1):
            raise ValidationError({"birth_date": _("Enter a birth date between 1900 and today.")})

    @property
    def is_minor(self) -> bool:
        if self.birth_date is None:
            return False
        today = workspace_today()
        age = today.year - self.birth_date.year - ((today.month, today.day) < (self.birth_date.month,
                                                                                self.birth_date.day))
        return age < ADULT_AGE


class GuardianContact(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="guardians")
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=50, blank=True)
    phone = PhoneNumberField(_("phone"))
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("guardian contact")
        verbose_name_plural = _("guardian contacts")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.relation})" if self.relation else self.name
