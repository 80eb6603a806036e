"""Log records carry the request id, tenant and user of the request being served."""

import contextvars
import logging

request_context: contextvars.ContextVar[dict] = contextvars.ContextVar("request_context", default={})


def bind(**values) -> None:
    """Add values (tenant, user) to the current request's log context."""
    current = request_context.get()
    if current:
        current.update(values)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.get()
        record.request_id = context.get("request_id", "-")
        record.tenant = context.get("tenant", "-")
        record.user = context.get("user", "-")
        return True
