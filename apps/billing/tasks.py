import json
import uuid

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from .dunning import dunning_run
from .models import Payment
from .subscriptions import subscriptions_renew


@shared_task(name="billing.run_dunning")
def run_dunning() -> dict:
    return dunning_run()


@shared_task(name="billing.renew_subscriptions")
def renew_subscriptions() -> int:
    return subscriptions_renew()


@shared_task(name="billing.sandbox_send_webhook", bind=True, max_retries=8,
             autoretry_for=(requests.ConnectionError, requests.Timeout), retry_backoff=True)
def sandbox_send_webhook(self, reference: str, payment_method: str, failure: str, url: str) -> int:
    """The sandbox provider's webhook sender: signed like a real provider's."""
    payment = Payment.objects.get(reference=reference)
    data = {"reference": reference, "amount": str(payment.amount), "currency": payment.currency,
            "payment_method": payment_method}
    if failure:
        data["failure_reason"] = failure
    body = json.dumps({"type": "payment.failed" if failure else "payment.succeeded", "data": data})
    msg_id = f"msg_{uuid.uuid4().hex}"
    now = timezone.now()
    signature = Webhook(settings.BILLING_WEBHOOK_SECRET).sign(msg_id, now, body)
    response = requests.post(url, data=body.encode(), timeout=10, headers={
        "content-type": "application/json", "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": signature})
    if response.status_code >= 500:
        raise self.retry(countdown=2 ** self.request.retries)
    return response.status_code
