from celery import shared_task

from .dunning import dunning_run
from .subscriptions import subscriptions_renew


@shared_task(name="billing.run_dunning")
def run_dunning() -> dict:
    return dunning_run()


@shared_task(name="billing.renew_subscriptions")
def renew_subscriptions() -> int:
    return subscriptions_renew()
