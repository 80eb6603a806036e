from django.db import models
from django.utils.translation import gettext_lazy as _


class StudentProfile(models.Model):
    """What the academy knows of a customer who is a student. Guardians stay on the
    customer (crm GuardianContact): siblings are customers sharing guardians."""

    customer = models.OneToOneField("crm.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                    related_name="student_profile")
    school = models.CharField(_("school"), max_length=120, blank=True)
    grade = models.CharField(_("grade"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["customer__name", "id"]

    def __str__(self):
        return str(self.customer)
