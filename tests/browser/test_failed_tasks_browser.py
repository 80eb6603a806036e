"""The ops portal's "Failed tasks" in Chromium, in English and Korean, on a desktop and a
phone: the list (labels, no raw codes, nothing scrolling sideways; screenshots), a task's
page, and "Retry" from it (the confirmation page, then the task sent again and recorded).
The task re-sent here goes to a queue of its own, drained afterwards; a real worker running
a retried task: tests/test_failed_tasks_worker.py."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.browser.screens import RUNS, detail_action, new_page, no_raw_codes, shoot
from tests.plugin import browser_hq_login

pytestmark = pytest.mark.browser

VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
WORDS = {
    "en": {"title": "failed tasks", "failed": "failed", "retried": "retried", "sent": "the task was sent again",
           "retry": "retry task"},
    "ko": {"title": "실패한 작업", "failed": "실패", "retried": "재시도함", "sent": "작업을 다시 보냈습니다",
           "retry": "작업 재시도"},
}
QUEUE = f"{settings.CELERY_TASK_DEFAULT_QUEUE}.browser-failed"  # no worker consumes it


@pytest.fixture
def failed(committed):
    from apps.ops.failed_tasks import failed_task_record
    from apps.ops.models import FailedTask
    from apps.tenants.models import Tenant

    alpha = Tenant.objects.get(slug="alpha")
    row = failed_task_record(task_name="notifications.send", task_id="browser-failed-1", queue=QUEUE,
                             schema_name=alpha.schema_name, args=["jisoo.park@example.com", 7],
                             kwargs={"phone": "010-2222-3333"},
                             exception=ConnectionError("SMS gateway timed out for 010-2222-3333"),
                             traceback_text="Traceback (most recent call last):\nConnectionError: timed out")
    yield row
    FailedTask.objects.filter(pk=row.pk).delete()
    from platform_.celery import app

    with app.connection_for_write() as conn:
        try:
            conn.default_channel.queue_purge(QUEUE)
        except Exception:  # noqa: BLE001 - nothing was sent
            pass


@pytest.mark.parametrize("language,width", RUNS, ids=[f"{language}-{width}" for language, width in RUNS])
def test_hq_lists_opens_and_retries_a_failed_task(browser, live_server_url, failed, language, width):
    from apps.audit.models import AuditEvent
    from apps.ops.models import FailedTask

    words = WORDS[language]
    page = new_page(browser, language, width)
    browser_hq_login(page, live_server_url)
    base = live_server_url.format(host=settings.BASE_DOMAIN)

    # This test's row only: others the suite's workers recorded meanwhile show errors in
    # their own words (table names included), which are not labels
    page.goto(base + f"/admin/ops/failedtask/?q={failed.task_id}")
    page.wait_for_selector("#result_list")
    text = no_raw_codes(page).casefold()
    assert words["title"] in page.inner_text("body").casefold()
    assert "notifications.send" in text and "alpha academy" in text and words["failed"] in text
    assert "jisoo.park" not in page.content() and "2222-3333" not in page.content()
    shoot(page, f"failed-tasks-list-{language}-{width}")

    assert page.locator(f"#result_list a[href*='/failedtask/{failed.pk}/change/']").count() == 1
    page.goto(base + f"/admin/ops/failedtask/{failed.pk}/change/")
    page.wait_for_selector("pre.failed-task-data", state="attached")
    body = page.content()
    assert "ConnectionError" in body and "jisoo.park" not in body and "2222-3333" not in body
    shoot(page, f"failed-tasks-detail-{language}-{width}")

    detail_action(page, f"/failedtask/{failed.pk}/retry/")
    page.wait_for_selector("#failed-task-form")
    assert words["retry"] in page.inner_text("#failed-task-action").casefold()
    shoot(page, f"failed-tasks-retry-{language}-{width}")
    page.click("#confirm")
    page.wait_for_selector("ul.messagelist")
    assert words["sent"] in page.inner_text("ul.messagelist").casefold()
    row = FailedTask.objects.get(pk=failed.pk)
    assert row.status == "retried" and row.retried_by.email == "hq@platform.test"
    assert AuditEvent.objects.filter(action="failed_task.retried", target_id=str(row.pk)).exists()
    no_raw_codes(page)
    assert words["retried"] in page.inner_text("#content").casefold()
