"""Reconciliation (대사): the merchant provider's settlement file for a tenant's period,
matched against the payments and refunds we settle for the same window, the way a
Korean PG's 정산 파일 is checked before a payout. An approval (PAY) matches our payment
by its reference, a cancel (CANCEL) our refund by the provider's refund id; each row on
one side only, and each amount or fee that differs, is recorded as a difference.

Nothing is loaded into the process: the file is parsed row by row straight into a
temporary table (COPY), and PostgreSQL joins it with our entries (the SELECT of
apps.payments.selectors, in the tenant's schema) and writes the differences itself, so
that a period of 100,000 rows costs no more memory than one of ten."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from apps.core.errors import InvalidData
from apps.payments.providers import SETTLEMENT_FILE_COLUMNS, merchant_provider
from apps.payments.selectors import settlement_entries_sql
from apps.tenants.models import Tenant

from ..errors import SettlementFileMalformed, SettlementForbidden
from ..models import Reconciliation, ReconciliationItem, SettlementLine
from ..periods import midnight
from .runs import SETTLED_STATUSES

PERMISSION = "settlement.add_reconciliation"
KINDS = {"PAY": SettlementLine.Kind.PAYMENT, "CANCEL": SettlementLine.Kind.REFUND}
REFERENCE_MAX = ReconciliationItem._meta.get_field("reference").max_length
FILE_TABLE = "pg_temp.settlement_reconciliation_file"


def reconcile(*, tenant: Tenant, period_start: dt.date, period_end: dt.date, actor=None) -> Reconciliation:
    """Match the provider's file for the tenant's [period_start, period_end) (its midnights)
    with our payments and refunds of that window; one Reconciliation with its differences,
    audited. Raises InvalidData (the period or the tenant), SettlementFileMalformed,
    ProviderUnavailable."""
    if actor is not None and not actor.has_perm(PERMISSION):
        raise SettlementForbidden(_("Your HQ role may not reconcile settlement files."))
    _check(tenant, period_start, period_end)
    start, end = midnight(period_start, tenant.timezone), midnight(period_end, tenant.timezone)
    provider = merchant_provider()
    # Asked outside any transaction: no row is held while the provider answers.
    text = provider.settlement_file(merchant=tenant.slug, start=start, end=end)
    with transaction.atomic(durable=True):
        _load(_rows(text, start=start, end=end))
        reconciliation = Reconciliation.objects.create(
            tenant=tenant, provider=provider.name, period_start=period_start, period_end=period_end,
            status=Reconciliation.Status.MATCHED,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        counts = _match(reconciliation, tenant, start=start, end=end)
        counts["status"] = Reconciliation.Status.MISMATCHED if counts["mismatches"] else Reconciliation.Status.MATCHED
        Reconciliation.objects.filter(pk=reconciliation.pk).update(**counts)
        for name, value in counts.items():
            setattr(reconciliation, name, value)
        audit_record(action="settlement.reconciled", actor=actor, tenant=tenant, target=reconciliation, metadata={
            "period": [str(period_start), str(period_end)], "provider": provider.name, **counts})
    return reconciliation


def _check(tenant: Tenant, period_start: dt.date, period_end: dt.date) -> None:
    if tenant.status not in SETTLED_STATUSES or tenant.business_type == Tenant.BusinessType.PLATFORM:
        raise InvalidData(details={"tenant": [_("This tenant has no sales to reconcile.")]})
    if period_end <= period_start:
        raise InvalidData(details={"period_end": [_("The period must end after it starts.")]})
    if midnight(period_end, tenant.timezone) > timezone.now():
        # The provider's file for a day still running is not final: every later sale would be a difference.
        raise InvalidData(details={"period_end": [_("The period has not ended yet in the tenant's time zone.")]})


# --- The provider's file ------------------------------------------------------------------

def _malformed(line: int, problem) -> SettlementFileMalformed:
    return SettlementFileMalformed(SettlementFileMalformed.message % {"line": line, "problem": problem},
                                   details={"line": line, "problem": str(problem)})


def _rows(text: str, *, start: dt.datetime, end: dt.datetime) -> Iterator[tuple]:
    """(line, kind, reference, amount, fee) per row of the file, checked, one at a time."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise _malformed(1, _("the file is empty"))
        columns = [cell.strip().lstrip("\ufeff").lower() for cell in header]  # a BOM, as spreadsheets write
        missing = [name for name in SETTLEMENT_FILE_COLUMNS if name not in columns]
        if missing:
            raise _malformed(1, _("the header lacks the columns %(columns)s") % {"columns": ", ".join(missing)})
        where = {name: columns.index(name) for name in SETTLEMENT_FILE_COLUMNS}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise _malformed(reader.line_num, _("%(found)s columns instead of %(expected)s") % {
                    "found": len(row), "expected": len(columns)})
            yield _row(reader.line_num, {name: row[index].strip() for name, index in where.items()}, start, end)
    except csv.Error as exc:
        raise _malformed(reader.line_num, _("not a CSV file")) from exc


def _row(line: int, values: dict, start: dt.datetime, end: dt.datetime) -> tuple:
    kind = KINDS.get(values["type"].upper())
    if kind is None:
        raise _malformed(line, _("unknown row type “%(type)s”") % {"type": values["type"][:20]})
    numbers = {}
    for name in ("amount", "fee", "settle_amount"):
        try:
            numbers[name] = int(values[name])
        except ValueError:
            raise _malformed(line, _("%(column)s is not a whole number") % {"column": name}) from None
    amount, fee = numbers["amount"], numbers["fee"]
    if (amount <= 0) if kind == SettlementLine.Kind.PAYMENT else (amount >= 0):
        raise _malformed(line, _("an approval's amount must be positive, a cancel's negative"))
    if numbers["settle_amount"] != amount - fee:
        raise _malformed(line, _("the settled amount is not the amount less the fee"))
    if values["currency"].upper() != settings.COMMERCE_CURRENCY:
        raise _malformed(line, _("the currency is not %(currency)s") % {"currency": settings.COMMERCE_CURRENCY})
    reference = values["payment_id"] if kind == SettlementLine.Kind.PAYMENT else values["cancel_id"]
    if not reference or len(reference) > REFERENCE_MAX:
        raise _malformed(line, _("the payment id or cancel id is missing or too long"))
    try:
        at = dt.datetime.fromisoformat(values["transacted_at"])
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise _malformed(line, _("the transaction time is not a date and time with its UTC offset"))
    if not start <= at < end:
        raise _malformed(line, _("the transaction time is outside the period"))
    return line, kind, reference, amount, fee


def _load(rows: Iterator[tuple]) -> None:
    """The file into a temporary table of this transaction (streamed), refused when a
    payment or cancel is listed twice."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {FILE_TABLE} (line integer, kind varchar(10), "
                       f"reference varchar({REFERENCE_MAX}), amount bigint, fee bigint) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {FILE_TABLE} (line, kind, reference, amount, fee) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"CREATE INDEX ON {FILE_TABLE} (kind, reference)")
        cursor.execute(f"ANALYZE {FILE_TABLE}")  # temporary tables are never analysed otherwise
        cursor.execute(f"SELECT reference, MIN(line), MAX(line) FROM {FILE_TABLE} GROUP BY kind, reference "
                       "HAVING COUNT(*) > 1 ORDER BY 2 LIMIT 1")
        twice = cursor.fetchone()
    if twice is not None:
        raise _malformed(twice[2], _("%(reference)s is listed twice (first on line %(first)s)") % {
            "reference": twice[0], "first": twice[1]})


# --- Matching -----------------------------------------------------------------------------

def _match(reconciliation: Reconciliation, tenant: Tenant, *, start: dt.datetime, end: dt.datetime) -> dict:
    """Join our entries of the window with the file's rows in the tenant's schema, insert
    a difference per problem (a row on one side only; an amount, a fee that differ) and
    return the counts and totals."""
    items = f'"{settings.PUBLIC_SCHEMA_NAME}"."{ReconciliationItem._meta.db_table}"'
    P = ReconciliationItem.Problem
    with schema_context(tenant.schema_name):
        entries, params = settlement_entries_sql(start=start, end=end)
        sql = f"""
            WITH joined AS (
                SELECT COALESCE(o.kind, p.kind) AS kind, COALESCE(o.reference, p.reference) AS reference,
                       o.amount AS our_amount, p.amount AS provider_amount, o.fee AS our_fee, p.fee AS provider_fee
                  FROM (SELECT e.kind, e.reference, e.amount, e.fee FROM ({entries}) e) o
                  FULL OUTER JOIN {FILE_TABLE} p ON p.kind = o.kind AND p.reference = o.reference
            ), inserted AS (
                INSERT INTO {items} (reconciliation_id, problem, kind, reference, our_amount, provider_amount,
                                     our_fee, provider_fee)
                SELECT %s, x.problem, j.kind, j.reference, j.our_amount, j.provider_amount, j.our_fee, j.provider_fee
                  FROM joined j CROSS JOIN LATERAL (VALUES
                       (CASE WHEN j.provider_amount IS NULL THEN '{P.MISSING_AT_PROVIDER.value}' END),
                       (CASE WHEN j.our_amount IS NULL THEN '{P.MISSING_HERE.value}' END),
                       (CASE WHEN j.our_amount <> j.provider_amount THEN '{P.AMOUNT.value}' END),
                       (CASE WHEN j.our_fee <> j.provider_fee THEN '{P.FEE.value}' END)) AS x(problem)
                 WHERE x.problem IS NOT NULL
                RETURNING 1
            )
            SELECT COUNT(j.provider_amount), COUNT(j.our_amount),
                   COUNT(*) FILTER (WHERE j.our_amount = j.provider_amount AND j.our_fee = j.provider_fee),
                   COALESCE(SUM(j.provider_amount - j.provider_fee), 0), COALESCE(SUM(j.our_amount - j.our_fee), 0),
                   (SELECT COUNT(*) FROM inserted)
              FROM joined j
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, reconciliation.pk])
            row = cursor.fetchone()
            # Dropped now, not only at commit: a caller's outer transaction may reconcile again.
            cursor.execute(f"DROP TABLE {FILE_TABLE}")
    names = ("provider_rows", "our_rows", "matched", "provider_total", "our_total", "mismatches")
    return {name: int(value) for name, value in zip(names, row, strict=True)}
