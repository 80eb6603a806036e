from celery import shared_task

from .services import event_dispatch
from .sweep import events_sweep


@shared_task(name="events.dispatch", acks_late=True)
def dispatch_event(event_id: int) -> bool:
    """Runs in the schema it was sent from (tenant-schemas-celery)."""
    return event_dispatch(event_id=event_id)


@shared_task(name="events.sweep")
def sweep_events(older_than_seconds: int | None = None) -> dict[str, int]:
    """Beat: dispatch the events whose dispatch was lost (apps.events.sweep); those older
    than settings.EVENTS_SWEEP_AFTER_SECONDS unless told otherwise."""
    return events_sweep(older_than_seconds=older_than_seconds)
