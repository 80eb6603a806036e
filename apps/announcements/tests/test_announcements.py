"""HQ writes an announcement in English and Korean and publishes it from the ops portal:
every tenant admin page shows it, in the reader's language, until it ends, is withdrawn
or the reader dismisses it; the owners are e-mailed once, each in their language, when
asked; support staff may read announcements but not publish them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.hq import SUPPORT
from apps.announcements.errors import AnnouncementNotDraft
from apps.announcements.models import Announcement
from apps.announcements.services import announcement_email_owners, announcement_publish
from apps.audit.models import AuditEvent
from tests.admin_pages import portal_user, tenant_admin_client
from tests.plugin import hq_client


def draft(**fields) -> Announcement:
    return Announcement.objects.create(**{
        "title": "Maintenance on Sunday", "title_ko": "일요일 점검 안내",
        "body": "The platform is unavailable 02:00-03:00.", "body_ko": "02:00-03:00 동안 서비스가 중단됩니다.",
        **fields})


def banner(client) -> str:
    return client.get("/admin/").content.decode()


def test_published_from_the_portal_it_shows_in_every_workspace_admin(owner_alpha, owner_beta, hq_user):
    announcement = draft()
    alpha = tenant_admin_client("owner@alpha.test")
    assert "Maintenance on Sunday" not in banner(alpha)  # a draft shows nowhere
    portal = hq_client()
    response = portal.post(f"/admin/announcements/announcement/{announcement.pk}/publish/")
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.published_at is not None
    assert AuditEvent.objects.filter(action="announcement.published", target_id=str(announcement.pk)).exists()
    assert "Maintenance on Sunday" in banner(alpha)
    beta = tenant_admin_client("owner@beta.test", slug="beta")
    beta.post("/i18n/setlang/", {"language": "ko", "next": "/admin/"})
    page = banner(beta)
    assert "일요일 점검 안내" in page and "02:00-03:00 동안" in page and "Maintenance on Sunday" not in page
    owner_beta.refresh_from_db()
    owner_beta.language = ""
    owner_beta.save(update_fields=["language"])
    # a published announcement is not edited: what the owners read stays what was published
    change = portal.get(f"/admin/announcements/announcement/{announcement.pk}/change/").content.decode()
    assert 'id="announcement-withdraw"' in change and 'name="title"' not in change
    with pytest.raises(AnnouncementNotDraft):
        announcement_publish(announcement=announcement, actor=hq_user)


def test_dismissed_withdrawn_or_ended_it_is_gone(owner_alpha, hq_user):
    announcement = draft()
    announcement_publish(announcement=announcement, actor=hq_user)
    alpha = tenant_admin_client("owner@alpha.test")
    assert "Maintenance on Sunday" in banner(alpha)
    response = alpha.post(f"/announcements/{announcement.pk}/dismiss/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"  # never off-site
    assert "Maintenance on Sunday" not in banner(alpha)
    ended = draft(title="Old news", ends_at=timezone.now() - dt.timedelta(minutes=1))
    announcement_publish(announcement=ended, actor=hq_user)
    assert "Old news" not in banner(alpha)
    withdrawn = draft(title="Withdrawn news")
    announcement_publish(announcement=withdrawn, actor=hq_user)
    assert "Withdrawn news" in banner(alpha)
    response = hq_client().post(f"/admin/announcements/announcement/{withdrawn.pk}/withdraw/")
    assert response.status_code == 302
    assert "Withdrawn news" not in banner(alpha)
    assert alpha.get(f"/announcements/{announcement.pk}/dismiss/").status_code == 405


def test_the_owners_are_emailed_once_in_their_language(owner_alpha, owner_beta, hq_user,
                                                      django_capture_on_commit_callbacks):
    owner_beta.language = "ko"
    owner_beta.save(update_fields=["language"])
    owner_alpha.language = "en"  # else the workspace's locale (ko)
    owner_alpha.save(update_fields=["language"])
    announcement = draft(email_owners=True)
    mail.outbox.clear()
    from apps.core.tasks_inline import tasks_in_process

    with tasks_in_process(), django_capture_on_commit_callbacks(execute=True):
        announcement_publish(announcement=announcement, actor=hq_user)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["owner@alpha.test"] == "Maintenance on Sunday"
    assert subjects["owner@beta.test"] == "일요일 점검 안내"
    assert "02:00-03:00 동안" in next(m.body for m in mail.outbox if m.to == ["owner@beta.test"])
    announcement.refresh_from_db()
    assert announcement.emailed_count == len(subjects) and announcement.emailed_at is not None
    assert announcement_email_owners(announcement_id=announcement.pk) == 0  # never twice
    assert len(mail.outbox) == len(subjects)


def test_support_reads_announcements_but_cannot_publish(db):
    announcement = draft()
    support, _user = portal_user(SUPPORT)
    assert support.get("/admin/announcements/announcement/").status_code == 200
    support.post(f"/admin/announcements/announcement/{announcement.pk}/publish/")
    announcement.refresh_from_db()
    assert announcement.published_at is None
