from celery import shared_task

from .models import InboundEvent
from .services import inbound_process


@shared_task(name="inbound.process_event", acks_late=True)
def process_inbound_event(event_pk: int) -> str:
    try:
        return inbound_process(event_pk=event_pk).status
    except InboundEvent.DoesNotExist:
        return "missing"
