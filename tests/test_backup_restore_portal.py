"""The Backups tab of a tenant's page in the ops portal: HQ_MASTER backs up and restores
(audited); other HQ groups see the list without buttons and get 403 on the POSTs; and the
whole path through a real Celery worker (backup, then a restore as a copy)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.admin_pages import portal_user, texts
from tests.plugin import wait_for

TENANTS = "/admin/tenants/tenant/"


@pytest.fixture
def places(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.BACKUP_ROOT = str(tmp_path / "backups")
    return tmp_path


@pytest.fixture
def alpha_backup(places, tenant_alpha):
    from apps.backups.services import backup_create

    return backup_create(tenant=tenant_alpha)


def test_master_backs_up_and_restores_from_the_tenant_page(places, tenant_alpha, alpha_backup):
    from apps.audit.models import AuditEvent
    from apps.backups.models import Backup, Restore

    client, master = portal_user("HQ_MASTER")
    page = client.get(f"{TENANTS}{tenant_alpha.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200 and "backups" in page.context["tabs"]
    assert 'id="backup-now"' in body and f'data-restore="{alpha_backup.pk}"' in body

    assert client.get(f"{TENANTS}{tenant_alpha.pk}/backups/run/").status_code == 200
    response = client.post(f"{TENANTS}{tenant_alpha.pk}/backups/run/")
    assert response.status_code == 302 and response["Location"].endswith("#backups")
    queued = Backup.objects.filter(tenant=tenant_alpha, status=Backup.Status.QUEUED).get()
    assert queued.requested_by == master and queued.kind == Backup.Kind.MANUAL
    assert AuditEvent.objects.filter(action="backup.requested", actor=master, tenant_id=tenant_alpha.pk).exists()
    # the list shows it running, with its progress bar; the progress endpoint too
    body = client.get(f"{TENANTS}{tenant_alpha.pk}/change/").content.decode()
    assert f'data-job-progress="backup-{queued.pk}"' in body and 'data-running="1"' in body
    progress = client.get(f"{TENANTS}{tenant_alpha.pk}/backups/progress/").json()
    assert progress["running"] and {"kind": "backup", "id": queued.pk}.items() <= progress["jobs"][0].items()
    # a second one while the first runs is refused with a message
    response = client.post(f"{TENANTS}{tenant_alpha.pk}/backups/run/", follow=True)
    assert "already under way" in " ".join(texts(response))
    Backup.objects.filter(pk=queued.pk).update(status=Backup.Status.FAILED)

    restore_url = f"{TENANTS}{tenant_alpha.pk}/backups/{alpha_backup.pk}/restore/"
    assert client.get(restore_url).status_code == 200
    wrong = client.post(restore_url, {"target": "into", "confirmation": "alfa"})
    assert wrong.status_code == 200 and "slug exactly to confirm" in wrong.content.decode()
    taken = client.post(restore_url, {"target": "copy", "as_slug": "beta", "confirmation": "beta"})
    assert taken.status_code == 200 and "already exists" in taken.content.decode()
    response = client.post(restore_url, {"target": "into", "confirmation": "alpha"})
    assert response.status_code == 302
    restore = Restore.objects.get(backup=alpha_backup)
    assert restore.tenant == tenant_alpha and restore.requested_by == master and restore.as_slug == ""
    event = AuditEvent.objects.get(action="backup.restore_requested", tenant_id=tenant_alpha.pk)
    assert event.actor == master and event.metadata["backup"] == alpha_backup.pk


@pytest.mark.parametrize("group", ["HQ_ADMIN", "SECURITY_OFFICER", "SUPPORT"])
def test_other_hq_groups_see_backups_but_cannot_run_them(group, places, tenant_alpha, alpha_backup):
    from apps.audit.models import AuditEvent
    from apps.backups.models import Backup, Restore

    client, user = portal_user(group)
    page = client.get(f"{TENANTS}{tenant_alpha.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200 and f'data-backup="{alpha_backup.pk}"' in body
    assert 'id="backup-now"' not in body and "data-restore=" not in body
    assert client.post(f"{TENANTS}{tenant_alpha.pk}/backups/run/").status_code == 403
    assert client.get(f"{TENANTS}{tenant_alpha.pk}/backups/run/").status_code == 403
    restore_url = f"{TENANTS}{tenant_alpha.pk}/backups/{alpha_backup.pk}/restore/"
    assert client.post(restore_url, {"target": "into", "confirmation": "alpha"}).status_code == 403
    assert not Backup.objects.filter(status=Backup.Status.QUEUED).exists() and not Restore.objects.exists()
    refusals = AuditEvent.objects.filter(action="auth.permission_denied", actor=user)
    assert {e.metadata["attempted"] for e in refusals} == {"portal:backup", "portal:restore"}
    assert client.get(f"{TENANTS}{tenant_alpha.pk}/backups/progress/").status_code == 200


def test_a_backup_of_another_tenant_is_not_restorable_under_this_one(places, tenant_beta, alpha_backup):
    client, _master = portal_user("HQ_MASTER")
    assert client.get(f"{TENANTS}{tenant_beta.pk}/backups/{alpha_backup.pk}/restore/").status_code == 404


def test_backup_and_copy_through_a_real_worker(celery_worker_process, committed):
    """The portal's buttons through the broker and a worker: a backup of alpha, then a
    restore of it as a copy; both audited, the copy active and equal to alpha."""
    from apps.backups.models import Backup, Restore
    from apps.tenants.models import Tenant

    client, master = portal_user("HQ_MASTER", email=committed.email("backup-master@platform.test"))
    alpha = Tenant.objects.get(slug="alpha")
    slug = committed.tenant_slug("alpha-worker-copy")
    backup = restore = None
    try:
        assert client.post(f"{TENANTS}{alpha.pk}/backups/run/").status_code == 302
        backup = Backup.objects.get(tenant=alpha, requested_by=master)
        wait_for(lambda: Backup.objects.filter(pk=backup.pk, status__in=["succeeded", "failed"]).exists(),
                 "the worker's backup", seconds=120)
        backup.refresh_from_db()
        assert backup.status == Backup.Status.SUCCEEDED, backup.error
        assert Path(backup.path).is_file() and backup.tables_done == backup.tables_total > 0
        response = client.post(f"{TENANTS}{alpha.pk}/backups/{backup.pk}/restore/",
                               {"target": "copy", "as_slug": slug, "confirmation": slug})
        assert response.status_code == 302
        restore = Restore.objects.get(backup=backup)
        wait_for(lambda: Restore.objects.filter(pk=restore.pk, status__in=["succeeded", "failed"]).exists(),
                 "the worker's restore", seconds=120)
        restore.refresh_from_db()
        assert restore.status == Restore.Status.SUCCEEDED, restore.error
        assert Tenant.objects.get(slug=slug).status == Tenant.Status.ACTIVE
        assert json.loads(json.dumps(backup.summary))["tables"] > 10
    finally:
        if backup is not None and backup.path:
            Path(backup.path).unlink(missing_ok=True)
            _remove_if_empty(Path(backup.path).parent, Path(backup.path).parent.parent)
        shutil.rmtree(Path(settings.MEDIA_ROOT) / slug.replace("-", "_"), ignore_errors=True)
        _remove_if_empty(Path(settings.MEDIA_ROOT))
        Restore.objects.filter(backup__tenant=alpha).delete()
        Backup.objects.filter(tenant=alpha).delete()


def _remove_if_empty(*folders: Path) -> None:
    """Folders the worker made for this test only (var/backups/alpha, media/)."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty (someone's files), or not there
            pass
