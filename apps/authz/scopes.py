"""How far a granted permission reaches (stored on apps.rbac.RolePermission and
apps.roletemplates.RoleTemplatePermission)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    TENANT = "tenant", _("Whole workspace")
    BRANCH = "branch", _("Assigned branches")
    OWN = "own", _("Own objects")
