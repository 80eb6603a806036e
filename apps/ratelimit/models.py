from django.utils.translation import gettext_lazy as _

from apps.tenants.models import Tenant


class TenantApiUsage(Tenant):
    """The portal's view of each tenant's API usage this month (counted in Redis)."""

    class Meta:
        proxy = True
        verbose_name = _("API usage")
        verbose_name_plural = _("API usage")
