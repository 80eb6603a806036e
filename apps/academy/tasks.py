from celery import shared_task

from .beat import offers_expire_everywhere, sessions_generate_everywhere


@shared_task(name="academy.sessions_generate")
def generate_sessions() -> dict[str, int]:
    """Beat, daily: {schema: sessions made} keeping every academy's horizon filled."""
    return sessions_generate_everywhere()


@shared_task(name="academy.offers_expire")
def expire_offers() -> dict[str, int]:
    """Beat: offers past their deadline passed on; interrupted enrolment orders placed."""
    return offers_expire_everywhere()
