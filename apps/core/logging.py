"""Log records carry the request id, tenant and user of the request being served."""

import contextvars
import logging

# The shared default is never written to: bind() skips it outside a request.
request_context: contextvars.ContextVar[dict] = contextvars.ContextVar("request_context", default={})  # noqa: B039
request_logger = logging.getLogger("apps.core.requests")


def bind(**values) -> None:
    """Add values (tenant, user) to the current request's log context."""
    current = request_context.get()
    if current:
        current.update(values)


def _caller(request) -> dict:
    """Who made the request, once it is known: the user's public id (never an e-mail) and,
    for a token, the branch it acts in. A user Django's middleware has not loaded stays
    unloaded (no query for the log)."""
    user = request.__dict__.get("_cached_user") or request.__dict__.get("user")
    if user is not None and type(user).__name__ == "SimpleLazyObject":
        user = None
    public_id = getattr(user, "public_id", None) if getattr(user, "is_authenticated", False) else None
    auth = request.__dict__.get("auth")
    branch = auth.get("branch") if hasattr(auth, "get") else None
    found = {}
    if public_id:
        found["user"] = str(public_id)
    if branch:
        found["branch"] = str(branch)
    return found


def log_request(request, response, seconds: float) -> None:
    """The one log record of a request (runserver's and gunicorn's access logs are off).
    The path without its query string: that may carry tokens."""
    bind(**_caller(request))
    status = response.status_code
    host = _printable(request.META.get("HTTP_HOST", "-"))
    path = _printable(request.path)
    duration_ms = round(seconds * 1000)
    extra = {"method": request.method, "host": host, "path": path, "status": status, "duration_ms": duration_ms}
    operation = (request_context.get() or {}).get("operation")
    if operation:  # a GraphQL request's operation name (apps.graph.views)
        extra["operation"] = operation
    request_logger.log(logging.INFO if status < 400 else logging.WARNING, "%s %s%s %s %dms",
                       request.method, host, path, status, duration_ms, extra=extra)


def _printable(value: str) -> str:
    """A decoded path may hold a newline (%0A): escape it, or a text log gets a forged line."""
    return value if value.isprintable() else value.encode("unicode_escape").decode("ascii")


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.get()
        record.request_id = context.get("request_id", "-")
        record.tenant = context.get("tenant", "-")
        record.user = context.get("user", "-")
        for name in ("branch", "task", "task_id", "operation"):
            if name in context:
                setattr(record, name, context[name])
        return True
