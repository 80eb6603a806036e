from celery import shared_task

from .retention import retention_run


@shared_task(name="ops.retention")
def run_retention() -> dict:
    """Daily (apps.ops.schedules): archive old audit events, delete closed failed tasks and
    handled inbound webhooks past their retention periods."""
    return retention_run()
