from celery import shared_task

from .delivery import delivery_attempt
from .sweep import deliveries_due_send


@shared_task(name="webhooks.deliver", acks_late=True)
def deliver(delivery_id: int) -> int | None:
    """One attempt at a delivery, if it is due (runs in the schema it was sent from)."""
    attempt = delivery_attempt(delivery_id=delivery_id)
    return attempt.status_code if attempt is not None else None


@shared_task(name="webhooks.retry_due")
def retry_due() -> dict[str, int]:
    """Beat: queue every delivery that is due (retries, and attempts whose task was lost)."""
    return deliveries_due_send()
