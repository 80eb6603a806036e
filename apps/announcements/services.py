"""HQ's announcements: publish (shown in every tenant admin; the owners e-mailed once
the transaction commits, if asked), withdraw, and a person's dismissal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.core.mail import send_templated_mail
from apps.tenants.models import Tenant

from .errors import AnnouncementNotDraft, AnnouncementNotPublished
from .models import Announcement, Dismissal


def announcement_publish(*, announcement: Announcement, actor) -> Announcement:
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.published_at is not None:
            raise AnnouncementNotDraft()
        announcement.published_at = timezone.now()
        announcement.save(update_fields=["published_at"])
        audit_record(action="announcement.published", actor=actor, target=announcement,
                     metadata={"title": announcement.title, "email_owners": announcement.email_owners})
        if announcement.email_owners:
            from .tasks import email_owners

            pk = announcement.pk
            transaction.on_commit(lambda: email_owners.delay(pk), robust=True)
    return announcement


def announcement_withdraw(*, announcement: Announcement, actor) -> Announcement:
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.published_at is None or announcement.withdrawn_at is not None:
            raise AnnouncementNotPublished()
        announcement.withdrawn_at = timezone.now()
        announcement.save(update_fields=["withdrawn_at"])
        audit_record(action="announcement.withdrawn", actor=actor, target=announcement,
                     metadata={"title": announcement.title})
    return announcement


def announcement_dismiss(*, announcement: Announcement, user) -> None:
    Dismissal.objects.get_or_create(announcement=announcement, user=user)


def announcement_email_owners(*, announcement_id: int) -> int:
    """E-mail the announcement to the owner of every active workspace, each in their
    language, once (a second run sends nothing). Returns how many were sent."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement_id)
        if announcement.emailed_at is not None or announcement.published_at is None:
            return 0
        owners = {}
        for tenant in (Tenant.objects.filter(status=Tenant.Status.ACTIVE, owner__isnull=False)
                       .exclude(kind=Tenant.Kind.INTERNAL).select_related("owner").order_by("pk")):
            owners.setdefault(tenant.owner.email.lower(), (tenant.owner, tenant))
        for owner, tenant in owners.values():
            language = getattr(owner, "language", "") or tenant.locale
            send_templated_mail(to=owner.email, template="announcements/announcement", language=language,
                                context={"title": announcement.title_in(language),
                                         "body": announcement.body_in(language), "level": announcement.level})
        announcement.emailed_at = timezone.now()
        announcement.emailed_count = len(owners)
        announcement.save(update_fields=["emailed_at", "emailed_count"])
    return len(owners)
