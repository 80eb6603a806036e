from celery import shared_task

from .services import event_dispatch
from .sweep import events_sweep


@shared_task(name="events.dispatch", acks_late=True)
def dispatch_event(event_id: int) -> bool:
    """Runs in the schema it was sent from (tenant-schemas-celery)."""
    return event_dispatch(event_id=event_id)


@shared_task(name="events.sweep")
def sweep_events() -> dict[str, int]:
    """Beat: dispatch the events whose dispatch was lost (apps.events.sweep)."""
    return events_sweep()
