"""Roles inside a tenant's schema.

A role grants Django permissions, each with a scope (`tenant`: everywhere, `branch`:
only in the branches of the user's assignment, `own`: only objects granted to the user
per object with django-guardian). Users get roles by assignment, optionally limited to
branches. HQ-locked permissions (copied from the role template) cannot be changed by
the tenant. See apps.authz.catalogue for the `resource:action` names."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.authz.scopes import Scope


class Role(models.Model):
    OWNER = "owner"

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    permissions = models.ManyToManyField("auth.Permission", verbose_name=_("permissions"), blank=True,
                                         related_name="+", through="RolePermission")
    is_active = models.BooleanField(_("enabled"), default=True,
                                    help_text=_("Disabled roles grant nothing until enabled again."))
    is_system = models.BooleanField(_("system role"), default=False,
                                    help_text=_("Created by the platform; cannot be deleted."))
    template_key = models.CharField(_("template"), max_length=50, blank=True,
                                    help_text=_("The HQ role template this role was copied from."))
    locked = models.JSONField(_("locked permissions"), default=list, blank=True,
                              help_text=_("Permissions HQ locked: the workspace cannot grant or remove them."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]
        permissions = [("access_admin", _("Can use the tenant admin"))]

    def __str__(self):
        # Names the platform ships ("Teacher") read in the viewer's language; names a
        # workspace typed itself are shown as typed.
        return gettext(self.name) if self.name else self.key


class RolePermission(models.Model):
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="grants")
    permission = models.ForeignKey("auth.Permission", verbose_name=_("permission"), on_delete=models.CASCADE,
                                   related_name="+")
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.TENANT)

    class Meta:
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")
        constraints = [models.UniqueConstraint(fields=["role", "permission"], name="rbac_role_permission_unique")]

    def __str__(self):
        return f"{self.role} {self.permission_id} ({self.scope})"


class RoleAssignment(models.Model):
    # The user table is public; a tenant table may point at it, never the reverse, so
    # the database does not cascade here (users are deactivated, not deleted).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="assignments")
    branches = models.ManyToManyField("branches.Branch", verbose_name=_("branches"), blank=True, related_name="+",
                                      help_text=_("Limit this role to these branches (none: every branch)."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["role", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rbac_assignment_unique")]

    def __str__(self):
        return f"{self.user_id} -> {self.role}"
