import datetime as dt

from celery import shared_task

from .beat import (
    offers_expire_everywhere,
    sessions_generate_everywhere,
    tuition_issue_everywhere,
    tuition_remind_everywhere,
)


@shared_task(name="academy.sessions_generate")
def generate_sessions() -> dict[str, int]:
    """Beat, daily: {schema: sessions made} keeping every academy's horizon filled."""
    return sessions_generate_everywhere()


@shared_task(name="academy.offers_expire")
def expire_offers() -> dict[str, int]:
    """Beat: offers past their deadline passed on; interrupted enrolment orders placed."""
    return offers_expire_everywhere()


@shared_task(name="academy.tuition_issue")
def issue_tuition(day: str | None = None) -> dict[str, int]:
    """Beat, hourly: {schema: invoices issued} for academies on or past their billing day.
    An operator may issue as of another `day` (ISO date: a month the beat missed)."""
    return tuition_issue_everywhere(today=dt.date.fromisoformat(day) if day else None)


@shared_task(name="academy.tuition_remind")
def remind_tuition() -> dict[str, int]:
    """Beat, daily: {schema: reminders} for overdue tuition."""
    return tuition_remind_everywhere()
