from celery import shared_task

from .dispatch import deliveries_send_due, delivery_send


@shared_task(name="notifications.send", acks_late=True)
def send_delivery(delivery_id: int) -> str | None:
    """Runs in the schema it was sent from (tenant-schemas-celery)."""
    delivery = delivery_send(delivery_id=delivery_id)
    return delivery.status if delivery is not None else None


@shared_task(name="notifications.send_due")
def send_due_deliveries() -> dict[str, int]:
    """Beat: deliveries held back by quiet hours, waiting for a retry, or whose task was lost."""
    return deliveries_send_due()
