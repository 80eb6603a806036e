"""Retrying failed inbound webhooks in the ops portal: the event is queued again through
inbound_retry (audited, processed once more), only failed events, and only for HQ staff
with the retry permission."""

from apps.accounts.hq import SECURITY_OFFICER
from apps.audit.models import AuditEvent
from apps.core.tasks_inline import tasks_in_process
from apps.inbound.models import InboundEvent
from tests.admin_pages import offered_actions, portal_user, run_action, texts
from tests.plugin import hq_client

LIST_URL = "/admin/inbound/inboundevent/"


def event(status: str, event_id: str = "evt_1") -> InboundEvent:
    return InboundEvent.objects.create(source="market", event_id=event_id, event_type="unknown.kind",
                                       payload={"data": {}}, status=status, attempts=1,
                                       error="LookupError: no handler" if status == "failed" else "")


def test_hq_admin_retries_a_failed_event(hq_user, django_capture_on_commit_callbacks):
    failed = event("failed")
    client = hq_client()
    assert "retry" in offered_actions(client.get(LIST_URL))
    with tasks_in_process(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = run_action(client, LIST_URL, "retry", [failed.pk])
    assert response.status_code == 200
    assert texts(response) == ["Event evt_1 queued again."]
    assert len(callbacks) == 1  # queued once the retry commits
    audit = AuditEvent.objects.get(action="webhook.retried", target_id=str(failed.pk))
    assert audit.changes == {"status": ["failed", "received"]} and audit.actor_id == hq_user.pk
    assert audit.metadata == {"source": "market", "event_id": "evt_1"}
    failed.refresh_from_db()
    # processed once more: still no handler for this type, so it failed again, one attempt more
    assert (failed.status, failed.attempts) == ("failed", 2) and "no handler" in failed.error


def test_only_failed_events_are_retried(db):
    done, failed = event("processed", "evt_done"), event("failed", "evt_failed")
    response = run_action(hq_client(), LIST_URL, "retry", [done.pk, failed.pk])
    assert sorted(texts(response)) == ["Event evt_failed queued again.",
                                       "evt_done: Only failed events can be retried."]
    done.refresh_from_db()
    failed.refresh_from_db()
    assert (done.status, failed.status) == ("processed", "received")
    assert list(AuditEvent.objects.filter(action="webhook.retried").values_list("target_id", flat=True)) == [
        str(failed.pk)]


def test_staff_without_the_retry_permission_cannot_retry(db):
    failed = event("failed")
    client, _user = portal_user(SECURITY_OFFICER)
    page = client.get(LIST_URL)
    assert page.status_code == 200 and "retry" not in offered_actions(page)
    run_action(client, LIST_URL, "retry", [failed.pk])
    failed.refresh_from_db()
    assert failed.status == "failed"
    assert not AuditEvent.objects.filter(action="webhook.retried").exists()
