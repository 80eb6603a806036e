"""Celery's queues: one default queue and one per kind of work, so that a slow kind
(provisioning copies a schema, settlement walks every tenant) never holds up a quick one
(notifications, webhooks), and each gets the workers it needs (docker/compose.yml).

The default queue's name (CELERY_QUEUE, "platform") prefixes the others
("platform.provisioning", ...): tests and parallel deployments on one broker change one
name. A worker started without -Q consumes every queue; `-Q` (WORKER_QUEUES in the image)
picks some."""

from kombu import Queue

KINDS = ("provisioning", "webhooks", "notifications", "settlement")

# Task name (or a glob over names) -> kind; every other task runs on the default queue.
ROUTES = {
    "tenants.provision_tenant": "provisioning",
    # A tenant's whole schema copied out or in, or zipped for its owner: slow, like provisioning
    "backups.run_*": "provisioning",
    "workspace.export_build": "provisioning",
    "webhooks.*": "webhooks",
    "inbound.post_signed_webhook": "webhooks",
    "notifications.*": "notifications",
    "announcements.*": "notifications",
    "settlement.*": "settlement",
}


def queue_name(default: str, kind: str | None) -> str:
    return default if kind in (None, "default") else f"{default}.{kind}"


def celery_queues(default: str) -> dict:
    """The CELERY_* settings for queues named after `default`."""
    names = [default, *(queue_name(default, kind) for kind in KINDS)]
    return {
        "CELERY_TASK_DEFAULT_QUEUE": default,
        "CELERY_TASK_QUEUES": [Queue(name, routing_key=name) for name in names],
        "CELERY_TASK_ROUTES": {task: {"queue": queue_name(default, kind), "routing_key": queue_name(default, kind)}
                               for task, kind in ROUTES.items()},
    }
