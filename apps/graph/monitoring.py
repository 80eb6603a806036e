"""GraphQL operations in the logs and metrics by their name: the request's log line carries
`operation` (the name the client gave, or the document's one named operation), and
`platform_graphql_operations_total{operation, type, outcome}` with its seconds counter count
them. Names are the clients' choice, so the label values are bounded as the tenants are
(apps.core.metrics.labels: the first METRICS_GRAPHQL_OPERATION_LABELS names seen; later ones
count as "other"); a request that never ran (unreadable, invalid, over a limit) counts as
"invalid" and takes no place, an unnamed one as "anonymous"."""

from __future__ import annotations

import re
import time

from strawberry.extensions import SchemaExtension

from apps.core.logging import bind
from apps.core.metrics.definitions import GRAPHQL_OPERATIONS, GRAPHQL_SECONDS
from apps.core.metrics.labels import BoundedLabels

ANONYMOUS, INVALID = "anonymous", "invalid"
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,99}$")  # GraphQL's Name (our length)
operations = BoundedLabels("graphql-operation-labels.txt", "METRICS_GRAPHQL_OPERATION_LABELS")


def _name(execution_context) -> str:
    try:
        name = execution_context.operation_name
    except Exception:  # noqa: BLE001  (no document to read it from)
        name = None
    return name if name and _NAME.match(name) else ""


class OperationMonitoring(SchemaExtension):
    def on_operation(self):
        started = time.monotonic()
        yield
        context = self.execution_context
        name = _name(context)
        bind(operation=name or "-")
        result = context.result
        try:
            kind = context.operation_type.value
        except RuntimeError:  # no document, or no operation of that name
            kind = ""
        if result is None or result.data is None or not kind:
            label, kind, outcome = INVALID, kind or "unknown", "error"
        else:
            label = operations.label(name) if name else ANONYMOUS
            outcome = "error" if result.errors else "ok"
        GRAPHQL_OPERATIONS.labels(operation=label, type=kind, outcome=outcome).inc()
        GRAPHQL_SECONDS.labels(operation=label).inc(time.monotonic() - started)
