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
