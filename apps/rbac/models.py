"""Roles inside a tenant's schema. A role bundles Django permissions; users get roles
by assignment. (Role templates, branch scope and object grants build on this.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.Model):
    OWNER = "owner"

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    permissions = models.ManyToManyField("auth.Permission", verbose_name=_("permissions"), blank=True,
                                         related_name="+")
    is_system = models.BooleanField(_("system role"), default=False,
                                    help_text=_("Created by the platform; cannot be deleted."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]
        permissions = [("access_admin", _("Can use the tenant admin"))]

    def __str__(self):
        return self.name


class RoleAssignment(models.Model):
    # The user table is public; a tenant table may point at it, never the reverse, so
    # the database does not cascade here (users are deactivated, not deleted).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["role", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rbac_assignment_unique")]

    def __str__(self):
        return f"{self.user_id} -> {self.role}"
