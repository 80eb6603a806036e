"""`/metrics`: Prometheus' text format on every host, for the callers `access` lets in
(JSON in the error shape for the others: scrapers are machines)."""

from __future__ import annotations

import os

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from ..errors import error_payload
from ..net import client_ip
from .access import metrics_refusal
from .database import database_registry


def process_registry():
    """What this process exposes: every process's samples from the multiprocess directory
    when there is one (PROMETHEUS_MULTIPROC_DIR, read by prometheus_client itself), this
    process's own otherwise."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def scrape(*, database: bool) -> bytes:
    """The text of one scrape; `database`: with the database's connections (the web's
    scrape: one cheap query; the workers' endpoints leave it out)."""
    text = generate_latest(process_registry())
    return text + generate_latest(database_registry()) if database else text


@never_cache
def metrics_view(request):
    refusal = metrics_refusal(authorization=request.headers.get("Authorization", ""), address=client_ip(request))
    if refusal is None:
        return HttpResponse(scrape(database=True), content_type=CONTENT_TYPE_LATEST)
    response = JsonResponse(error_payload(refusal.code, refusal.message), status=refusal.status)
    if refusal.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response
