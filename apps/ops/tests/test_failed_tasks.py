"""Failed tasks (apps.ops.failed_tasks): what a record keeps (masked arguments, an encrypted
copy for "Retry", the tenant), the portal's list, page, retry and dismiss (audited, by
group), the dashboard's count and the prune. A real worker: tests/test_failed_tasks_worker.py."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from apps.accounts.hq import HQ_ADMIN, SECURITY_OFFICER, SUPPORT
from apps.audit.models import AuditEvent
from apps.core.tasks_inline import tasks_in_process
from apps.ops.failed_tasks import (
    _decrypt_payload,
    _on_task_failure,
    failed_task_dismiss,
    failed_task_record,
    failed_tasks_prune,
)
from apps.ops.models import FailedTask
from platform_.celery import app
from tests.admin_pages import offered_actions, portal_user, run_action, texts
from tests.plugin import hq_client

LIST = "/admin/ops/failedtask/"
QUEUE = f"{settings.CELERY_TASK_DEFAULT_QUEUE}.unit-failed"  # no worker consumes it
PII = {"email": "kim.minji@example.com", "phone": "010-1234-5678", "rrn": "900101-1234567",
       "card": "4111 1111 1111 1111", "token": "sk_live_abcdefghijklmnop"}


def record(tenant=None, **overrides):
    values = {"task_name": "notifications.send", "task_id": overrides.pop("task_id", "task-1"),
              "queue": QUEUE, "schema_name": tenant.schema_name if tenant else "",
              "args": [PII["email"], 42], "kwargs": {"phone": PII["phone"], "password": "hunter2", "card": PII["card"],
                                                    "note": f"rrn {PII['rrn']} {PII['token']}"},
              "exception": ValueError(f"no such customer {PII['email']}"),
              "traceback_text": f'Traceback:\n  File "x.py"\nValueError: {PII["email"]} {PII["phone"]}',
              "attempts": 4, "request_id": "req-1"}
    values.update(overrides)
    return failed_task_record(**values)


def stored_text(row) -> str:
    return " ".join(str(value) for value in FailedTask.objects.filter(pk=row.pk).values().first().values())


def test_a_record_keeps_masked_arguments_the_tenant_and_an_encrypted_copy(tenant_alpha):
    row = record(tenant_alpha)
    assert row.tenant == tenant_alpha and row.schema_name == tenant_alpha.schema_name
    assert (row.task_name, row.queue, row.attempts, row.status) == ("notifications.send", QUEUE, 4,
                                                                    FailedTask.Status.FAILED)
    assert row.exception_type == "ValueError" and row.first_failed_at == row.last_failed_at
    text = stored_text(row)
    for value in (*PII.values(), "hunter2", "1234-5678", "4111"):
        assert value not in text, value
    assert row.args_masked[0].startswith("email:") and row.args_masked[1] == 42
    assert row.kwargs_masked["password"] == "[secret]" and row.kwargs_masked["phone"].startswith("phone:")
    assert "[rrn]" in row.kwargs_masked["note"] and "email:" in row.exception_message
    # what Retry re-sends: the original arguments, decrypted
    assert _decrypt_payload(row.payload_encrypted) == (
        [PII["email"], 42], {"phone": PII["phone"], "password": "hunter2", "card": PII["card"],
                             "note": f"rrn {PII['rrn']} {PII['token']}"})


def test_a_platform_task_has_no_tenant_and_a_retried_run_counts_on_its_row(db):
    row = record(None, schema_name="public")
    assert row.tenant is None and row.schema_name == ""
    again = record(None, task_id="task-2", retry_of=str(row.pk), attempts=1, exception=KeyError("x"))
    assert again.pk == row.pk and again.attempts == 5 and again.last_task_id == "task-2"
    assert again.exception_type == "KeyError" and FailedTask.objects.count() == 1


def test_hq_admin_lists_filters_searches_and_opens_a_failed_task(tenant_alpha, tenant_beta):
    alpha, beta = record(tenant_alpha), record(tenant_beta, task_id="task-beta", task_name="webhooks.deliver")
    client = portal_user(HQ_ADMIN)[0]
    page = client.get(LIST)
    assert page.status_code == 200 and "notifications.send" in page.content.decode()
    assert {"retry_selected", "dismiss_selected"} <= set(offered_actions(page))
    by_tenant = client.get(LIST, {"tenant": tenant_beta.pk})
    assert list(by_tenant.context["cl"].result_list) == [beta]
    assert list(client.get(LIST, {"task": "notifications.send"}).context["cl"].result_list) == [alpha]
    assert list(client.get(LIST, {"q": "task-beta"}).context["cl"].result_list) == [beta]
    assert list(client.get(LIST, {"status__exact": "dismissed"}).context["cl"].result_list) == []
    today = timezone.localdate().isoformat()
    dated = client.get(LIST, {"last_failed_at__date__gte": today, "last_failed_at__date__lte": today})
    assert set(dated.context["cl"].result_list) == {alpha, beta}
    detail = client.get(f"{LIST}{alpha.pk}/change/")
    body = detail.content.decode()
    assert detail.status_code == 200 and "ValueError" in body and PII["email"] not in body
    assert f"{LIST}{alpha.pk}/retry/" in body and f"{LIST}{alpha.pk}/dismiss/" in body


def test_retry_from_the_page_resends_and_is_audited(tenant_alpha):
    row = record(tenant_alpha, task_name="tests.nobody_runs_this")
    client, user = portal_user(HQ_ADMIN)
    confirm = client.get(f"{LIST}{row.pk}/retry/")
    assert confirm.status_code == 200 and "tests.nobody_runs_this" in confirm.content.decode()
    response = client.post(f"{LIST}{row.pk}/retry/", follow=True)
    assert response.status_code == 200 and texts(response) == ["The task was sent again."]
    row.refresh_from_db()
    assert row.status == FailedTask.Status.RETRIED and row.retried_by == user and row.retry_count == 1
    assert row.last_task_id != row.task_id and row.retried_at is not None
    event = AuditEvent.objects.get(action="failed_task.retried", target_id=str(row.pk))
    assert event.tenant_slug == tenant_alpha.slug and event.actor == user
    assert event.metadata["new_task_id"] == row.last_task_id
    # a second retry is refused: the first has not failed again
    again = client.post(f"{LIST}{row.pk}/retry/", follow=True)
    assert texts(again) == ["Only a failed task can be retried."]
    _drain(row.queue)


def test_dismiss_in_bulk_erases_the_kept_arguments(tenant_alpha):
    row = record(tenant_alpha)
    client, user = portal_user(HQ_ADMIN)
    response = run_action(client, LIST, "dismiss_selected", [row.pk])
    assert texts(response) == ["1 task dismissed."]
    row.refresh_from_db()
    assert row.status == FailedTask.Status.DISMISSED and row.dismissed_by == user and row.payload_encrypted == ""
    assert AuditEvent.objects.filter(action="failed_task.dismissed", target_id=str(row.pk), actor=user).exists()
    retried = run_action(client, LIST, "retry_selected", [row.pk])
    assert texts(retried) == [f"notifications.send {row.task_id[:8]}: Only a failed task can be retried."]


@pytest.mark.parametrize("group", [SUPPORT, SECURITY_OFFICER])
def test_support_and_security_read_but_may_not_retry_or_dismiss(tenant_alpha, group):
    row = record(tenant_alpha)
    client = portal_user(group)[0]
    page = client.get(LIST)
    assert page.status_code == 200 and not {"retry_selected", "dismiss_selected"} & set(offered_actions(page))
    detail = client.get(f"{LIST}{row.pk}/change/").content.decode()
    assert f"{LIST}{row.pk}/retry/" not in detail
    assert client.get(f"{LIST}{row.pk}/retry/").status_code == 403
    assert client.post(f"{LIST}{row.pk}/dismiss/").status_code == 403
    run_action(client, LIST, "dismiss_selected", [row.pk])
    row.refresh_from_db()
    assert row.status == FailedTask.Status.FAILED and not AuditEvent.objects.filter(
        action__startswith="failed_task.").exists()


def test_unknown_ids_are_404_not_500(db):
    client = hq_client()
    for url in (f"{LIST}999999/retry/", f"{LIST}abc/retry/", f"{LIST}999999/change/"):
        assert client.get(url).status_code in (302, 404), url


def test_the_dashboard_counts_open_failed_tasks_and_links_to_them(tenant_alpha):
    open_row, closed = record(tenant_alpha), record(tenant_alpha, task_id="task-closed")
    failed_task_dismiss(failed_task=closed, actor=None)
    body = hq_client().get("/admin/").content.decode()
    assert 'id="card-failed-tasks"' in body and "Open failed tasks: 1" in body
    assert f'{LIST}?status__exact=failed' in body
    assert open_row.status == FailedTask.Status.FAILED


def test_prune_deletes_only_closed_rows_past_the_period(tenant_alpha):
    now = timezone.now()
    old_dismissed, new_dismissed = record(tenant_alpha, task_id="a"), record(tenant_alpha, task_id="b")
    old_retried, open_row = record(tenant_alpha, task_id="c"), record(tenant_alpha, task_id="d")
    FailedTask.objects.filter(pk=old_dismissed.pk).update(status="dismissed", dismissed_at=now - timedelta(days=200))
    FailedTask.objects.filter(pk=new_dismissed.pk).update(status="dismissed", dismissed_at=now - timedelta(days=2))
    FailedTask.objects.filter(pk=old_retried.pk).update(status="retried", retried_at=now - timedelta(days=200))
    FailedTask.objects.filter(pk=open_row.pk).update(last_failed_at=now - timedelta(days=400))
    assert failed_tasks_prune(before=now - timedelta(days=180)) == 2
    assert set(FailedTask.objects.values_list("task_id", flat=True)) == {"b", "d"}


def _drain(queue: str) -> None:
    """Drop what a test sent to a queue no worker of this test consumes."""
    with app.connection_for_write() as conn:
        try:
            conn.default_channel.queue_purge(queue)
        except Exception:  # noqa: BLE001 - the queue may not exist
            pass


@pytest.fixture(autouse=True)
def _no_tasks_left_behind():
    yield
    _drain(QUEUE)


@shared_task(name="tests.unit_always_fails")
def _always_fails(email):
    raise RuntimeError(f"failed for {email}")


def test_a_task_run_in_process_is_not_recorded(db):
    """Eager mode (tests, tasks_in_process): the caller gets the exception itself."""
    with tasks_in_process(), pytest.raises(RuntimeError):
        _always_fails.delay(PII["email"])
    assert not FailedTask.objects.exists()


def test_the_recorder_never_raises_into_the_worker(db, caplog):
    broken_sender = SimpleNamespace(name="tests.broken", request=None)  # no request: the recorder fails
    _on_task_failure(sender=broken_sender, task_id="t-1", exception=RuntimeError("x"), args=(), kwargs={})
    assert not FailedTask.objects.exists()
    assert "could not record failed task t-1" in caplog.text
