"""What the settlement pages of the ops portal share (batches, runs, terms, tax invoices):
statuses as coloured labels, amounts as money, a batch's period as days, CSV responses,
a service's refusal as a sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import chain

from django.http import StreamingHttpResponse
from django.template.loader import render_to_string

from apps.core.errors import PlatformError
from apps.core.money import Money
from apps.core.renderers import BOM, csv_download


def badge(text, variant: str = "") -> str:
    """A status as unfold's coloured label, on lists and read-only pages alike."""
    return render_to_string("unfold/helpers/label.html", {"text": text, "type": variant})


def money(amount, currency: str) -> str:
    """An amount in the currency's minor unit as people read it ("₩22,000")."""
    return "-" if amount is None else Money(int(amount), currency).format()


def period_text(batch) -> str:
    """The period as days, both included ("2026-11-01 – 2026-11-30"): the stored end is the day after."""
    last = batch.period_end - dt.timedelta(days=1)
    if last == batch.period_start:
        return batch.period_start.isoformat()
    return f"{batch.period_start.isoformat()} – {last.isoformat()}"


def person(user) -> str:
    return "-" if user is None else user.get_full_name()


def csv_stream_response(rows: Iterator[str], filename: str) -> StreamingHttpResponse:
    """A CSV of any size streamed (a batch's 100,000 lines), after the byte order mark,
    its header in the reader's language (core.renderers.csv_download)."""
    return csv_download(chain([BOM], rows), filename)


def refusal(error: PlatformError) -> str:
    """A service's refusal as a sentence, with the hold's reason when it names one."""
    details = error.details if isinstance(error.details, dict) else {}
    reason = details.get("reason")
    return f"{error.message} ({reason})" if reason else str(error.message)


def int_or_zero(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
