from celery import shared_task

from .beat import kitchen_watch_everywhere


@shared_task(name="food.kitchen_watch")
def kitchen_watch() -> dict:
    """Beat, every minute: {schema: {"rejected": [order ids], "paused": [branch ids]}}."""
    return kitchen_watch_everywhere()
