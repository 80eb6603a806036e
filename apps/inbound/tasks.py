import requests
from celery import shared_task
from django.conf import settings

from .models import InboundEvent
from .senders import signed_headers
from .services import inbound_process


@shared_task(name="inbound.process_event", acks_late=True)
def process_inbound_event(event_pk: int) -> str:
    try:
        return inbound_process(event_pk=event_pk).status
    except InboundEvent.DoesNotExist:
        return "missing"


@shared_task(name="inbound.post_signed_webhook", bind=True, max_retries=8,
             autoretry_for=(requests.ConnectionError, requests.Timeout), retry_backoff=True)
def post_signed_webhook(self, url: str, secret_setting: str, body: str, msg_id: str) -> int:
    """A sandbox provider's webhook sender (apps.inbound.senders), retried while the
    receiver is down: the same message id at every attempt (the receiver drops
    duplicates), a fresh timestamp and signature each time."""
    headers = signed_headers(secret=getattr(settings, secret_setting), body=body, msg_id=msg_id)
    response = requests.post(url, data=body.encode(), timeout=10,
                             headers={"content-type": "application/json", **headers})
    if response.status_code >= 500:
        raise self.retry(countdown=2 ** self.request.retries)
    return response.status_code
