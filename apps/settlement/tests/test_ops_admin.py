"""Settlement in the ops portal through HTTP: every page opens for HQ_ADMIN; confirming,
holding, releasing and paying out go through the lifecycle services and leave their audit
rows; refusals read as messages and change nothing; SUPPORT and SECURITY_OFFICER read but
may not act; nobody outside HQ gets in; runs start and tenants are retried from the
pages; terms are saved through terms_update; the CSV exports escape formula cells; the
lists keep their query count whatever the number of rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.hq import SECURITY_OFFICER, SUPPORT
from apps.audit.models import AuditEvent
from apps.core.tasks_inline import tasks_in_process
from apps.payments.models import Payment
from apps.settlement.admin import runs as runs_admin
from apps.settlement.models import RunItem, SettlementAccount, SettlementBatch, SettlementRun, TaxInvoice
from apps.settlement.services.batches import batch_make
from apps.settlement.services.lifecycle import batch_confirm
from tests.admin_pages import offered_actions, portal_user, run_action, texts
from tests.plugin import PASSWORD, client_for, hq_client

from .helpers import at, pay

pytestmark = pytest.mark.django_db

BATCHES = "/admin/settlement/settlementbatch/"
RUNS = "/admin/settlement/settlementrun/"
TERMS = "/admin/settlement/settlementaccount/"
INVOICES = "/admin/settlement/taxinvoice/"
LINES = "/admin/settlement/settlementline/"
OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def november(tenant, *amounts) -> SettlementBatch:
    """The tenant's batch for November 2026 (a draft), with a payment per amount."""
    for day, amount in enumerate(amounts or (23000,), start=3):
        pay(tenant.slug, amount, at(f"2026-11-{day:02d}"))
    return batch_make(tenant=tenant, period_start=NOV, period_end=DEC, cycle="monthly").batch


def daily_batches(tenant, count: int, start: dt.date = OCT) -> list[SettlementBatch]:
    """`count` daily batches from `start`, each with a payment."""
    batches = []
    for offset in range(count):
        day = start + dt.timedelta(days=offset)
        pay(tenant.slug, 10000 + offset, at(day.isoformat()))
        batches.append(batch_make(tenant=tenant, period_start=day, period_end=day + dt.timedelta(days=1),
                                  cycle="daily").batch)
    return batches


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return response.content.decode()


def rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def detail(batch) -> str:
    return f"{BATCHES}{batch.pk}/change/"


def move(batch, key) -> str:
    return f"{BATCHES}{batch.pk}/{key}/"


# --- pages ------------------------------------------------------------------------------------


def test_every_settlement_page_opens_for_hq_admin(tenant_alpha, tenant_beta, hq_user):
    batch = november(tenant_alpha, 23000, 9900)
    batch_confirm(batch=batch, actor=hq_user)
    invoice = TaxInvoice.objects.get(batch=batch)
    run = SettlementRun.objects.create(as_of=timezone.now(), total=1, failed=1, status=SettlementRun.Status.FAILED)
    RunItem.objects.create(run=run, tenant=tenant_alpha, status=RunItem.Status.FAILED, attempts=1, error="boom")
    account = SettlementAccount.objects.create(tenant=tenant_alpha, cycle="weekly")
    line = batch.lines.first()
    client = hq_client()
    paths = [BATCHES, detail(batch), f"{BATCHES}{batch.pk}/history/", move(batch, "payout"), move(batch, "hold"),
             f"{LINES}?batch__id__exact={batch.pk}", f"{LINES}{line.pk}/change/", RUNS, f"{RUNS}{run.pk}/change/",
             f"{RUNS}start/", TERMS, f"{TERMS}add/", f"{TERMS}{account.pk}/change/", INVOICES,
             f"{INVOICES}{invoice.pk}/change/", f"{BATCHES}?status=confirmed&period_start__gte=2026-11-01",
             f"{BATCHES}?q=alpha", f"{INVOICES}?issue_date__gte=2026-01-01"]
    for path in paths:
        html = page(client, path)
        assert 'id="nav-sidebar"' in html, path
    html = page(client, detail(batch))
    # money as people read it, the status by its label, the invoice and the lines linked
    assert "₩32,900" in html and "Confirmed" in html and invoice.number in html
    assert f"{LINES}?batch__id__exact={batch.pk}" in html and "Open the 2 lines" in html
    assert "Lines of Alpha Academy, 2026-11-01 – 2026-11-30" in page(client, f"{LINES}?batch__id__exact={batch.pk}")
    sidebar = page(client, "/admin/")
    for link in (BATCHES, RUNS, TERMS, INVOICES):
        assert f'href="{link}"' in sidebar
    assert f'href="{LINES}"' not in sidebar  # reached from a batch only
    # a run still going says so; a tenant whose worker died long ago can be sent again
    going = SettlementRun.objects.create(as_of=timezone.now(), total=2)
    stuck = RunItem.objects.create(run=going, tenant=tenant_alpha, status=RunItem.Status.RUNNING, attempts=1,
                                   started_at=timezone.now() - dt.timedelta(minutes=40))
    RunItem.objects.create(run=going, tenant=tenant_beta, status=RunItem.Status.RUNNING, attempts=1,
                           started_at=timezone.now())
    html = page(client, f"{RUNS}{going.pk}/change/")
    assert 'id="run-running"' in html and "0 done, 0 failed of 2" in html
    assert html.count("retry-item") == 1 and f"items/{stuck.pk}/retry/" in html
    # a malformed filter is a message on the list, not an error page
    assert client.get(f"{BATCHES}export.csv?period_start__gte=nonsense").status_code == 302


def test_the_list_shows_each_batch_as_people_read_it(tenant_alpha):
    november(tenant_alpha, 23000)
    html = page(hq_client(), BATCHES)
    assert "Alpha Academy" in html and "2026-11-01 – 2026-11-30" in html and "Draft" in html
    assert "₩23,000" in html and "₩805" in html  # gross, and the 3.5% commission


# --- moves ------------------------------------------------------------------------------------


def test_confirm_then_record_the_payout(tenant_alpha, hq_user):
    batch = november(tenant_alpha)
    client = hq_client()
    html = page(client, detail(batch))
    assert f'href="{move(batch, "confirm")}"' in html and f'href="{move(batch, "hold")}"' in html
    assert move(batch, "payout") not in html and move(batch, "release") not in html  # not from a draft
    assert "Confirming agrees with these numbers" in page(client, move(batch, "confirm"))
    response = client.post(move(batch, "confirm"), {}, follow=True)
    assert texts(response) == ["Batch alpha 2026-11-01 – 2026-11-30 confirmed."]
    batch.refresh_from_db()
    assert batch.status == "confirmed" and batch.confirmed_by == hq_user
    event = AuditEvent.objects.get(action="settlement.batch_confirmed", target_id=str(batch.pk))
    assert event.actor_id == hq_user.pk and event.changes["status"] == ["draft", "confirmed"]
    assert TaxInvoice.objects.filter(batch=batch).exists()

    html = page(client, detail(batch))
    assert f'href="{move(batch, "payout")}"' in html and move(batch, "confirm") not in html
    refused = client.post(move(batch, "payout"), {"reference": "   "})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    batch.refresh_from_db()
    assert batch.status == "confirmed"
    response = client.post(move(batch, "payout"), {"reference": "KB-20261202-0001"})
    assert response.status_code == 302 and response["Location"] == detail(batch)
    batch.refresh_from_db()
    assert (batch.status, batch.payout_reference, batch.paid_out_by) == ("paid_out", "KB-20261202-0001", hq_user)
    event = AuditEvent.objects.get(action="settlement.batch_paid_out", target_id=str(batch.pk))
    assert event.metadata["reference"] == "KB-20261202-0001"
    html = page(client, detail(batch))
    assert "KB-20261202-0001" in html and "HQ Admin" in html and "Paid out" in html
    assert not any(move(batch, key) in html for key in ("confirm", "payout", "hold", "release"))


def test_a_hold_needs_a_reason_and_a_release_puts_the_batch_back(tenant_alpha, hq_user):
    batch = november(tenant_alpha)
    client = hq_client()
    refused = client.post(move(batch, "hold"), {"reason": ""})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    batch.refresh_from_db()
    assert batch.status == "draft" and not AuditEvent.objects.filter(action="settlement.batch_held").exists()
    response = client.post(move(batch, "hold"), {"reason": "Chargeback dispute #41"}, follow=True)
    assert texts(response) == ["Batch alpha 2026-11-01 – 2026-11-30 held."]
    batch.refresh_from_db()
    assert (batch.status, batch.hold_reason) == ("held", "Chargeback dispute #41")
    assert AuditEvent.objects.get(action="settlement.batch_held").metadata["reason"] == "Chargeback dispute #41"
    html = page(client, detail(batch))
    assert "Chargeback dispute #41" in html and f'href="{move(batch, "release")}"' in html
    assert move(batch, "payout") not in html
    client.post(move(batch, "release"), {})
    batch.refresh_from_db()
    assert batch.status == "draft" and batch.hold_reason == ""
    assert AuditEvent.objects.filter(action="settlement.batch_released", target_id=str(batch.pk)).count() == 1


def test_bulk_confirm_confirms_what_it_can_and_says_why_not_for_the_rest(tenant_alpha, tenant_beta, hq_user):
    first, second = november(tenant_alpha), november(tenant_beta)
    batch_confirm(batch=second, actor=hq_user)
    response = run_action(hq_client(), BATCHES, "confirm_selected", [first.pk, second.pk])
    assert sorted(texts(response)) == ["1 batch confirmed.",
                                       "beta 2026-11-01 – 2026-11-30: A batch that is Confirmed cannot become "
                                       "Confirmed."]
    first.refresh_from_db()
    assert first.status == "confirmed"
    assert AuditEvent.objects.filter(action="settlement.batch_confirmed").count() == 2  # beta's before, alpha's


def test_refusals_are_messages_and_change_nothing(tenant_alpha, hq_user):
    batch = november(tenant_alpha)
    # the tenant went on hold after its batch was made (terms written directly: no batch follows)
    SettlementAccount.objects.create(tenant=tenant_alpha, on_hold=True, hold_reason="Open dispute")
    client = hq_client()
    response = client.post(move(batch, "confirm"), {}, follow=True)
    assert response.status_code == 200
    [message] = texts(response)
    assert "on hold" in message and "Open dispute" in message
    batch.refresh_from_db()
    assert batch.status == "draft"
    # a stale page: the move the batch's state no longer allows
    SettlementAccount.objects.filter(tenant=tenant_alpha).delete()
    response = client.post(move(batch, "payout"), {"reference": "KB-1"}, follow=True)
    assert texts(response) == ["A batch that is Draft cannot become Paid out."]
    batch.refresh_from_db()
    assert batch.status == "draft" and batch.payout_reference == ""
    assert not AuditEvent.objects.filter(action__startswith="settlement.batch_").exclude(
        action="settlement.batch_made").exists()
    assert client.get(f"{BATCHES}999999/confirm/").status_code == 404


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [SUPPORT, SECURITY_OFFICER])
def test_support_and_security_read_but_may_not_act(tenant_alpha, group):
    batch = november(tenant_alpha)
    run = SettlementRun.objects.create(as_of=timezone.now(), total=1, failed=1, status=SettlementRun.Status.FAILED)
    item = RunItem.objects.create(run=run, tenant=tenant_alpha, status=RunItem.Status.FAILED, error="boom")
    client, user = portal_user(group)
    listing = client.get(BATCHES)
    assert listing.status_code == 200 and "confirm_selected" not in offered_actions(listing)
    html = page(client, detail(batch))
    assert not any(move(batch, key) in html for key in ("confirm", "payout", "hold", "release"))
    assert "statement-csv" in html  # reading is theirs
    assert client.get(f"{BATCHES}{batch.pk}/statement-csv/").status_code == 200
    for key in ("confirm", "hold"):
        assert client.post(move(batch, key), {"reason": "x"}).status_code == 403
    run_action(client, BATCHES, "confirm_selected", [batch.pk])
    run_html = page(client, f"{RUNS}{run.pk}/change/")
    assert "retry-item" not in run_html and "boom" in run_html
    assert f"{RUNS}start/" not in page(client, RUNS)
    assert client.post(f"{RUNS}start/").status_code == 403
    assert client.post(f"{RUNS}{run.pk}/items/{item.pk}/retry/").status_code == 403
    assert client.post(f"{TERMS}add/", {"tenant": tenant_alpha.pk, "cycle": "weekly"}).status_code == 403
    assert "Export CSV" in page(client, INVOICES)
    batch.refresh_from_db()
    item.refresh_from_db()
    assert batch.status == "draft" and item.status == "failed"
    assert not SettlementAccount.objects.exists() and not SettlementRun.objects.exclude(pk=run.pk).exists()
    assert not AuditEvent.objects.filter(actor=user, action__startswith="settlement.").exists()


@pytest.mark.parametrize("email", ["owner@alpha.test", "staff-without-group@platform.test"])
def test_nobody_outside_hq_gets_in(tenant_alpha, email):
    from apps.accounts.models import User

    if not User.objects.filter(email=email).exists():
        User.objects.create_user(email, PASSWORD, is_staff=True)  # staff, in no HQ group
    batch = november(tenant_alpha)
    client = client_for(None)
    login = client.post("/admin/login/", {"username": email, "password": PASSWORD})
    assert login.status_code == 200 and "This account cannot use this admin site." in login.content.decode()
    for path in (BATCHES, detail(batch), move(batch, "confirm"), RUNS, f"{RUNS}start/", TERMS, INVOICES,
                 f"{BATCHES}export.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], path
    assert client.post(move(batch, "confirm")).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "draft"


# --- runs -------------------------------------------------------------------------------------


def test_start_a_run_now_and_say_when_nothing_is_due(tenant_alpha, hq_user, django_capture_on_commit_callbacks):
    pay("alpha", 15000, at("2026-11-20"))
    client = hq_client()
    assert f'href="{RUNS}start/"' in page(client, RUNS)
    assert "A run settles every tenant" in page(client, f"{RUNS}start/")
    with tasks_in_process(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{RUNS}start/")
    run = SettlementRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{RUNS}{run.pk}/change/"
    assert run.trigger == "manual" and run.started_by == hq_user and run.total >= 2
    assert AuditEvent.objects.filter(action="settlement.run_started", actor=hq_user).count() == 1
    run.refresh_from_db()
    assert (run.status, run.succeeded, run.failed) == ("succeeded", run.total, 0)
    assert SettlementBatch.objects.filter(tenant=tenant_alpha, run=run, gross=15000).exists()
    html = page(client, f"{RUNS}{run.pk}/change/")
    assert f"{run.total} done, 0 failed of {run.total}" in html and "Alpha Academy" in html
    response = client.post(f"{RUNS}start/", follow=True)
    assert texts(response) == ["Nothing is due: every tenant's closed periods are already settled."]
    assert SettlementRun.objects.count() == 1


def test_a_failed_tenant_is_retried_from_the_runs_page(tenant_alpha, tenant_beta, hq_user, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    pay("alpha", 12000, at("2026-11-05"))
    run = SettlementRun.objects.create(as_of=timezone.now(), total=2, succeeded=1, failed=1,
                                       status=SettlementRun.Status.FAILED, finished_at=timezone.now())
    done = RunItem.objects.create(run=run, tenant=tenant_beta, status=RunItem.Status.SUCCEEDED, attempts=1)
    failed = RunItem.objects.create(run=run, tenant=tenant_alpha, status=RunItem.Status.FAILED, attempts=1,
                                    error="OperationalError: the server closed the connection")
    client = hq_client()
    listing = page(client, RUNS)
    assert "1 done, 1 failed of 2" in listing and "Finished with failures" in listing
    html = page(client, f"{RUNS}{run.pk}/change/")
    assert html.index(f'data-item="{failed.pk}"') < html.index(f'data-item="{done.pk}"')  # failed first
    assert f"{RUNS}{run.pk}/items/{failed.pk}/retry/" in html and f"items/{done.pk}/retry/" not in html
    assert "OperationalError" in html
    monkeypatch.setattr(runs_admin, "ITEMS_PER_PAGE", 1)  # a page at a time: the failed tenant on the first
    first, second = page(client, f"{RUNS}{run.pk}/change/"), page(client, f"{RUNS}{run.pk}/change/?items=2")
    assert f'data-item="{failed.pk}"' in first and f'data-item="{done.pk}"' not in first and "Page 1 of 2" in first
    assert f'data-item="{done.pk}"' in second and "Page 2 of 2" in second
    monkeypatch.undo()
    with tasks_in_process(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{RUNS}{run.pk}/items/{failed.pk}/retry/", follow=True)
    assert texts(response) == ["Alpha Academy is being settled again."]
    failed.refresh_from_db()
    run.refresh_from_db()
    assert (failed.status, failed.attempts, failed.batches) == ("succeeded", 2, 1)
    assert (run.status, run.succeeded, run.failed) == ("succeeded", 2, 0)
    assert AuditEvent.objects.filter(action="settlement.run_retried", actor=hq_user).count() == 1
    # a tenant that is done is not retried: a message, not an error page
    response = client.post(f"{RUNS}{run.pk}/items/{done.pk}/retry/", follow=True)
    assert texts(response) == ["Beta Bistro: Only a failed tenant, or one stuck for a while, can be retried."]
    assert client.get(f"{RUNS}{run.pk}/items/{failed.pk}/retry/").status_code == 405


# --- terms ------------------------------------------------------------------------------------


def test_terms_are_saved_through_the_service(tenant_alpha, hq_user):
    batch = november(tenant_alpha)
    client = hq_client()
    refused = client.post(f"{TERMS}add/", {"tenant": tenant_alpha.pk, "cycle": "", "on_hold": "on",
                                           "hold_reason": " "})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"hold_reason": ["Please give a reason."]}
    assert not SettlementAccount.objects.exists()
    response = client.post(f"{TERMS}add/", {"tenant": tenant_alpha.pk, "cycle": "weekly", "on_hold": "on",
                                            "hold_reason": "Disputed November sales"})
    assert response.status_code == 302
    account = SettlementAccount.objects.get(tenant=tenant_alpha)
    assert (account.cycle, account.on_hold, account.hold_reason) == ("weekly", True, "Disputed November sales")
    batch.refresh_from_db()
    assert batch.status == "held" and batch.hold_reason == "Disputed November sales"
    event = AuditEvent.objects.get(action="settlement.terms_changed")
    assert event.actor_id == hq_user.pk and event.changes["on_hold"] == [False, True]
    html = page(client, f"{TERMS}{account.pk}/change/")
    assert "Weekly" in html  # the cycle in use
    listing = page(client, TERMS)
    assert "Alpha Academy" in listing and "On hold" in listing
    response = client.post(f"{TERMS}{account.pk}/change/", {"cycle": "", "hold_reason": ""})
    assert response.status_code == 302
    account.refresh_from_db()
    batch.refresh_from_db()
    assert (account.cycle, account.on_hold, batch.status) == ("", False, "draft")
    assert AuditEvent.objects.filter(action="settlement.batch_released", target_id=str(batch.pk)).exists()
    assert "The plan&#x27;s cycle" in page(client, TERMS)


# --- CSV --------------------------------------------------------------------------------------


def test_csv_exports_escape_formula_cells(tenant_alpha, tenant_beta, hq_user):
    payment = pay("alpha", 23000, at("2026-11-03"))
    with schema_context("alpha"):
        Payment.objects.filter(pk=payment.pk).update(reference="=HYPERLINK(\"http://evil.test\")")
    connection.set_schema_to_public()
    alpha = batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly").batch
    beta = november(tenant_beta, 5000)
    batch_confirm(batch=alpha, actor=hq_user)
    client = hq_client()
    client.post(move(alpha, "payout"), {"reference": "@SUM(1+1)"})
    TaxInvoice.objects.filter(batch=alpha).update(recipient_name="+Alpha Academy")

    statement = rows(client.get(f"{BATCHES}{alpha.pk}/statement-csv/"))
    assert statement[0][:3] == ["Date", "Kind", "Reference"]
    assert statement[1][2] == "'=HYPERLINK(\"http://evil.test\")" and statement[1][5] == "23000"
    assert ["", "Payout", "", "", "", str(alpha.payout)] in statement
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"  # streamed after the view: still in the reader's language
    assert rows(client.get(f"{BATCHES}{alpha.pk}/statement-csv/"))[0][:2] == ["날짜", "유형"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    everything = rows(client.get(f"{BATCHES}export.csv"))
    assert {row[0] for row in everything[1:]} == {"alpha", "beta"}
    paid = rows(client.get(f"{BATCHES}export.csv?status=paid_out"))
    assert len(paid) == 2 and paid[1][0] == "alpha" and paid[1][3] == "Paid out" and paid[1][-1] == "'@SUM(1+1)"
    assert rows(client.get(f"{BATCHES}export.csv?q=beta"))[1][7] == str(beta.gross)

    invoices = rows(client.get(f"{INVOICES}export.csv"))
    assert len(invoices) == 2 and invoices[1][4] == "'+Alpha Academy"
    assert len(rows(client.get(f"{INVOICES}export.csv?issue_date__gte=2099-01-01"))) == 1  # the header only


# --- query counts -----------------------------------------------------------------------------


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_lists_keep_their_query_count(tenant_alpha, tenant_beta, hq_user):
    client = hq_client()
    first = daily_batches(tenant_alpha, 1)
    batch_confirm(batch=first[0], actor=hq_user)
    SettlementRun.objects.create(as_of=timezone.now(), started_by=hq_user, trigger="manual")
    paths = [BATCHES, INVOICES, RUNS, TERMS]
    SettlementAccount.objects.create(tenant=tenant_alpha, cycle="daily")
    one = {path: _queries(client, path) for path in paths}
    for batch in daily_batches(tenant_alpha, 9, start=OCT + dt.timedelta(days=1)):
        batch_confirm(batch=batch, actor=hq_user)
    for _ in range(9):
        SettlementRun.objects.create(as_of=timezone.now(), started_by=hq_user, trigger="manual")
    SettlementAccount.objects.create(tenant=tenant_beta, cycle="weekly", on_hold=True, hold_reason="x")
    assert SettlementBatch.objects.count() == 10 and TaxInvoice.objects.count() == 10
    ten = {path: _queries(client, path) for path in paths}
    assert ten == one
