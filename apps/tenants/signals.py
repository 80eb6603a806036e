"""Fallback only: the services that change tenants and domains call `routing_forget`
themselves (apps.tenants.services and states). These receivers cover writes that
bypass the services (a shell, a data fix, a test saving a row) so that routing never keeps
serving a tenant the database no longer has. No business logic here; `QuerySet.update()`
sends no signal, so code that uses it must call `routing_forget`."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Domain, Tenant
from .routing import routing_forget


@receiver([post_save, post_delete], sender=Tenant)
def _tenant_changed(sender, instance, **kwargs):
    routing_forget(tenant_ids=[instance.pk])


@receiver(pre_save, sender=Domain)
def _domain_saving(sender, instance, **kwargs):
    """Remember the stored tenant, so that moving a host to another tenant forgets both."""
    instance._previous_tenant_id = (
        sender.objects.filter(pk=instance.pk).values_list("tenant_id", flat=True).first() if instance.pk else None
    )


@receiver([post_save, post_delete], sender=Domain)
def _domain_changed(sender, instance, **kwargs):
    # The new host name may be cached as unknown; the old one depends on its tenant's scope.
    routing_forget(tenant_ids=[instance.tenant_id, getattr(instance, "_previous_tenant_id", None)],
                   hosts=[instance.domain])
