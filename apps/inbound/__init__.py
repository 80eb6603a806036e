"""Inbound webhooks, stored before they are processed.

An endpoint subclasses `apis.InboundWebhookApi` (source name + the setting holding its
Standard Webhooks secret); handlers live in `apps/<app>/inbound.py`:

    from apps.inbound.registry import inbound_handler

    @inbound_handler("service-market", "user.deleted", label=_("Market user deleted"))
    def user_deleted(event):          # event.data is the payload's "data" dict
        ...                           # idempotent; raise to mark the event failed

`label` is what the ops portal shows for the type; `inbound_source(source, label=...)`
names the sender.

Every request is verified (signature, 5-minute window), stored with its outcome
(received, rejected, processed, failed), processed once on a Celery worker, and
listed in the ops portal, where failed events can be retried.
"""
