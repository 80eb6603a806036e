"""One hash chain per tenant and one for the platform: appends in different tenants are
independent (in content and in locking), and verification still catches an edit, a row
removed in the middle of a chain and a row removed at its end."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django_tenants.utils import schema_context

from apps.audit.models import GENESIS, AuditChain, AuditEvent
from apps.audit.services import audit_record, audit_verify


def head(tenant=None) -> tuple[int, str]:
    chain = AuditChain.objects.filter(tenant=tenant).first()
    return (chain.length, chain.head_hash) if chain else (0, GENESIS)


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_write_in_one_tenant_leaves_the_other_chain_alone(db, hq_user, tenant_alpha, tenant_beta):
    audit_record(action="chain.beta", actor=hq_user, tenant=tenant_beta)
    alpha_before, beta_before, platform_before = head(tenant_alpha), head(tenant_beta), head(None)

    first = audit_record(action="chain.alpha_one", actor=hq_user, tenant=tenant_alpha)
    second = audit_record(action="chain.alpha_two", actor=hq_user, tenant=tenant_alpha)

    assert head(tenant_beta) == beta_before and head(None) == platform_before
    assert first.chain.tenant_id == tenant_alpha.pk and second.chain_id == first.chain_id
    assert (first.seq, first.prev_hash) == (alpha_before[0] + 1, alpha_before[1])
    assert (second.seq, second.prev_hash) == (first.seq + 1, first.hash)
    assert head(tenant_alpha) == (second.seq, second.hash)
    assert audit_verify()[1] == []


def test_which_chain_an_event_joins(db, hq_user, tenant_alpha):
    from apps.tenants.models import Tenant

    hq_tenant = Tenant.objects.get(schema_name="public")
    platform = AuditChain.objects.filter(tenant=None)
    assert audit_record(action="chain.platform").chain.tenant_id is None
    assert audit_record(action="chain.hq", tenant=hq_tenant).chain_id == platform.get().pk  # HQ is the platform
    # Without tenant=: the tenant whose schema is in use (as on its host, or in a task).
    connection.set_tenant(tenant_alpha)
    on_host = audit_record(action="chain.on_alpha_host", actor=hq_user)
    connection.set_schema_to_public()
    with schema_context(tenant_alpha.schema_name):
        in_task = audit_record(action="chain.in_alpha_schema")
    assert on_host.chain.tenant_id == in_task.chain.tenant_id == tenant_alpha.pk
    assert on_host.tenant_id is None and on_host.tenant_slug == "", "what the event says is unchanged"
    assert in_task.seq == on_host.seq + 1


def test_verify_one_tenant(db, hq_user, tenant_alpha, tenant_beta, capsys):
    audit_record(action="chain.alpha", actor=hq_user, tenant=tenant_alpha)
    edited = audit_record(action="chain.beta", actor=hq_user, tenant=tenant_beta)
    raw("UPDATE audit_auditevent SET action = 'chain.innocent' WHERE id = %s", [edited.pk])

    call_command("verify_audit_log", "--tenant", "alpha")
    assert "intact" in capsys.readouterr().out
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_log", "--tenant", "beta")
    assert f"tenant beta: event {edited.pk}: content does not match its hash" in capsys.readouterr().err
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_log")
    err = capsys.readouterr().err
    assert f"First broken link: tenant beta: event {edited.pk}: content does not match" in err
    assert "tenant alpha:" not in err
    with pytest.raises(CommandError, match="No audit chain for tenant 'nobody'"):
        call_command("verify_audit_log", "--tenant", "nobody")


def test_update_in_a_tenant_chain_is_detected(db, hq_user, tenant_alpha):
    audit_record(action="edit.one", tenant=tenant_alpha)
    edited = audit_record(action="edit.two", actor=hq_user, tenant=tenant_alpha, metadata={"amount": 10})
    audit_record(action="edit.three", tenant=tenant_alpha)
    raw("UPDATE audit_auditevent SET metadata = '{\"amount\": 1}' WHERE id = %s", [edited.pk])
    assert audit_verify(tenant_slug="alpha")[1] == [
        f"tenant alpha: event {edited.pk}: content does not match its hash (edited)"]


@pytest.mark.parametrize("tenant_fixture", ["tenant_alpha", None], ids=["tenant", "platform"])
def test_deletion_in_the_middle_is_detected(db, request, tenant_fixture):
    tenant = request.getfixturevalue(tenant_fixture) if tenant_fixture else None
    audit_record(action="middle.one", tenant=tenant)
    removed = audit_record(action="middle.two", tenant=tenant)
    after = audit_record(action="middle.three", tenant=tenant)
    raw("DELETE FROM audit_auditevent WHERE id = %s", [removed.pk])
    _count, problems = audit_verify()
    label = "tenant alpha" if tenant else "platform"
    assert problems == [f"{label}: event {after.pk}: chain broken (it is number {after.seq}, expected "
                        f"{removed.seq}: a row before it was removed or altered)"]


@pytest.mark.parametrize("tenant_fixture", ["tenant_alpha", "tenant_beta", None])
def test_deletion_of_the_last_event_is_detected(db, request, tenant_fixture, capsys):
    """No later row links to the last one: the chain's head does."""
    tenant = request.getfixturevalue(tenant_fixture) if tenant_fixture else None
    kept = audit_record(action="end.one", tenant=tenant)
    last = audit_record(action="end.two", tenant=tenant)
    raw("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    with pytest.raises(CommandError, match="TAMPERED: 1 problem"):
        call_command("verify_audit_log")
    label = f"tenant {tenant.slug}" if tenant else "platform"
    assert (f"{label}: event {kept.pk}: chain broken at its end (the head counts {last.seq} events, the last row "
            f"is number {kept.seq}: the events after it were removed)") in capsys.readouterr().err


def test_replacing_the_last_event_is_detected(db, tenant_alpha):
    last = audit_record(action="end.original", tenant=tenant_alpha)
    raw("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    # A forged stand-in, correctly hashed and linked, but not the event the head recorded.
    forged = AuditEvent(action="end.forged", tenant=tenant_alpha, tenant_slug="alpha", chain=last.chain, seq=last.seq,
                        prev_hash=last.prev_hash, created_at=last.created_at)
    from apps.audit.services import event_hash

    forged.hash = event_hash(forged)
    forged.save()
    assert audit_verify(tenant_slug="alpha")[1] == [
        f"tenant alpha: event {forged.pk}: chain broken at its end (the last event is not the one the head "
        "recorded: it was replaced)"]


def test_removing_a_chain_head_is_detected(db, tenant_alpha):
    event = audit_record(action="head.one", tenant=tenant_alpha)
    events = AuditEvent.objects.filter(chain_id=event.chain_id).count()
    raw("DELETE FROM audit_auditchain WHERE id = %s", [event.chain_id])
    assert audit_verify()[1] == [f"chain {event.chain_id} (its head is missing): {events} event(s) in a chain "
                                 "whose head was removed"]


# --- Locking: real transactions on their own connections --------------------------------


class Appender(threading.Thread):
    """Appends one event for a tenant in a transaction on its own connection, holds the
    transaction open until released, then rolls it back (nothing stays behind)."""

    def __init__(self, tenant_id: int, *, hold: bool):
        super().__init__(daemon=True)
        self.tenant_id, self.hold = tenant_id, hold
        self.appended, self.release, self.done = threading.Event(), threading.Event(), threading.Event()
        self.pid: int | None = None
        self.error: BaseException | None = None
        self.started_connection = threading.Event()

    def run(self):
        from apps.tenants.models import Tenant

        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.started_connection.set()
            with transaction.atomic():
                audit_record(action="test.concurrent_append", tenant=Tenant.objects.get(pk=self.tenant_id))
                self.appended.set()
                if self.hold:
                    self.release.wait(30)
                transaction.set_rollback(True)
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.done.set()
            connection.close()


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # activity is otherwise frozen per transaction
        cursor.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row and row[0])


def _run(holder: Appender, other: Appender):
    holder.start()
    assert holder.appended.wait(30), holder.error
    other.start()
    assert other.started_connection.wait(30), other.error
    return holder, other


def _finish(*threads: Appender):
    for thread in threads:
        thread.release.set()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()


def test_appends_in_two_tenants_do_not_wait_for_each_other(db, tenant_alpha, tenant_beta):
    holder, other = Appender(tenant_alpha.pk, hold=True), Appender(tenant_beta.pk, hold=False)
    try:
        _run(holder, other)
        assert other.done.wait(10), "an append in beta waited for alpha's open transaction"
        assert other.error is None, other.error
        assert not holder.done.is_set(), "alpha's transaction was still open"
    finally:
        _finish(holder, other)
    assert holder.error is None, holder.error


def test_appends_in_one_tenant_are_serialised(db, tenant_alpha):
    holder, other = Appender(tenant_alpha.pk, hold=True), Appender(tenant_alpha.pk, hold=False)
    try:
        _run(holder, other)
        deadline = time.monotonic() + 10
        while not _waiting_on_a_lock(other.pid) and time.monotonic() < deadline and not other.done.is_set():
            time.sleep(0.05)
        assert not other.done.is_set(), "a second append in alpha did not wait for the first one's transaction"
        assert _waiting_on_a_lock(other.pid)
        holder.release.set()
        assert other.done.wait(10), "the second append did not go on once the first transaction ended"
    finally:
        _finish(holder, other)
    assert holder.error is None and other.error is None, (holder.error, other.error)
