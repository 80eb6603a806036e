from celery import shared_task

from .services.runs import run_item_execute, run_start


@shared_task(name="settlement.start_run")
def start_run() -> int | None:
    """Beat, hourly: settle the tenants whose period closed at their midnight."""
    run = run_start()
    return run.pk if run is not None else None


# acks_late + reject_on_worker_lost: a worker killed mid-tenant gives the message back and
# another worker makes what is missing (each batch is one transaction, made once).
@shared_task(name="settlement.settle_tenant", acks_late=True, reject_on_worker_lost=True)
def settle_tenant(item_id: int) -> str | None:
    item = run_item_execute(item_id=item_id)
    return item.status if item is not None else None
