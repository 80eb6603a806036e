import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, audit_verify
from apps.core.changes import diff


def test_events_chain_and_verify(db, hq_user, tenant_alpha):
    first = audit_record(action="tenant.update", actor=hq_user, target=tenant_alpha, tenant=tenant_alpha,
                         changes=diff({"name": "A"}, {"name": "B"}))
    second = audit_record(action="tenant.suspend", actor=hq_user, target=tenant_alpha, tenant=tenant_alpha,
                          metadata={"reason": "unpaid"})
    assert second.prev_hash == first.hash
    assert first.changes == {"name": ["A", "B"]}
    assert first.actor_email == hq_user.email and first.tenant_slug == "alpha"
    assert first.target_type == "tenants.tenant" and first.target_id == str(tenant_alpha.pk)
    count, problems = audit_verify()
    assert count >= 2 and problems == []


def test_events_cannot_be_changed_or_deleted_through_the_orm(db, hq_user):
    event = audit_record(action="x.test", actor=hq_user)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="y")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_manual_edit_is_detected(db, hq_user, capsys):
    audit_record(action="a.one", actor=hq_user)
    edited = audit_record(action="a.two", actor=hq_user)
    audit_record(action="a.three", actor=hq_user)
    call_command("verify_audit_log")
    assert "intact" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'a.innocent' WHERE id = %s", [edited.pk])
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_log")
    assert f"event {edited.pk}: content does not match" in capsys.readouterr().err


def test_manual_deletion_is_detected(db, hq_user):
    audit_record(action="b.one", actor=hq_user)
    removed = audit_record(action="b.two", actor=hq_user)
    after = audit_record(action="b.three", actor=hq_user)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [removed.pk])
    _count, problems = audit_verify()
    assert any(f"event {after.pk}: chain broken" in p for p in problems)


def test_an_event_rolls_back_with_its_change(db, hq_user):
    from django.db import transaction

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="c.one", actor=hq_user)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
