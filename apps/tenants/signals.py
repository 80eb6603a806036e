"""Cache invalidation only (no business logic): any write to a tenant or a domain, from
a service, the admin or a shell, drops the cached host lookups."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Domain, Tenant
from .routing import forget_hosts


@receiver([post_save, post_delete], sender=Tenant)
def _tenant_changed(sender, instance, **kwargs):
    hosts = list(instance.domains.values_list("domain", flat=True)) if instance.pk else []
    forget_hosts(hosts)
    transaction.on_commit(lambda: forget_hosts(hosts))


@receiver(pre_save, sender=Domain)
def _domain_saving(sender, instance, **kwargs):
    """Remember the stored hostname so a rename also forgets the old one."""
    instance._previous_domain = (
        sender.objects.filter(pk=instance.pk).values_list("domain", flat=True).first() if instance.pk else None
    )


@receiver([post_save, post_delete], sender=Domain)
def _domain_changed(sender, instance, **kwargs):
    hosts = [instance.domain]
    previous = getattr(instance, "_previous_domain", None)
    if previous and previous != instance.domain:
        hosts.append(previous)
    forget_hosts(hosts)
    transaction.on_commit(lambda: forget_hosts(hosts))
