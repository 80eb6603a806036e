"""Which tenants can be backed up, and the records and audit events a backup leaves."""

from __future__ import annotations

import pytest

from apps.audit.models import AuditEvent
from apps.backups.errors import BackupError
from apps.backups.models import Backup
from apps.backups.services import backup_create
from apps.tenants.models import Tenant


@pytest.fixture(autouse=True)
def backup_root(settings, tmp_path):
    settings.BACKUP_ROOT = str(tmp_path)
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_suspended_tenant_is_backed_up_one_without_data_is_refused(tenant_alpha):
    Tenant.objects.filter(pk=tenant_alpha.pk).update(status=Tenant.Status.SUSPENDED)
    tenant_alpha.refresh_from_db()
    backup = backup_create(tenant=tenant_alpha)
    assert backup.status == Backup.Status.SUCCEEDED and backup.size > 0 and backup.summary["tables"] > 10
    assert backup.tables_done == backup.tables_total
    event = AuditEvent.objects.get(action="backup.created", tenant_id=tenant_alpha.pk)
    assert event.metadata["path"] == backup.path and event.metadata["rows"] == backup.summary["rows"]

    Tenant.objects.filter(pk=tenant_alpha.pk).update(status=Tenant.Status.REQUESTED)
    tenant_alpha.refresh_from_db()
    with pytest.raises(BackupError, match="cannot be backed up now"):
        backup_create(tenant=tenant_alpha)
    assert Backup.objects.filter(tenant=tenant_alpha).count() == 1


def test_a_failed_backup_is_recorded_and_audited(tenant_alpha, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(OSError):
        backup_create(tenant=tenant_alpha, output=blocker / "alpha.tar.gz")
    backup = Backup.objects.get(tenant=tenant_alpha)
    assert backup.status == Backup.Status.FAILED and "not-a-folder" in backup.error
    assert AuditEvent.objects.filter(action="backup.failed", tenant_id=tenant_alpha.pk).exists()


def test_a_restore_drops_what_is_cached_about_the_workspace(tenant_alpha, django_capture_on_commit_callbacks):
    """Rows come back by COPY, without the services or signals that drop caches: the
    restore bumps every scope of the workspace itself (a customer would otherwise read the
    menu of before the restore until the cached answer expires)."""
    from apps.backups.services import _cache_keys, _forget
    from apps.core.cache import scope, versions

    scopes = [scope(kind, "alpha") for kind in ("roles", "workspace", "apikeys", "catalog")]
    before = versions(*scopes)
    with django_capture_on_commit_callbacks(execute=True):
        _forget(tenant_alpha, _cache_keys(tenant_alpha))
    after = versions(*scopes)
    assert [name for name in scopes if after[name] == before[name]] == []
