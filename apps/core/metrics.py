"""Prometheus metrics at `/metrics` on every host (no tenant lookup: ANY_HOST_PATHS),
from django-prometheus: requests by view, method and status with latency histograms, and
what the platform's own code counts (prometheus-client).

Who may read them: a scraper sending `Authorization: Bearer <METRICS_TOKEN>`, or one
connecting from METRICS_ALLOWED_NETWORKS (loopback by default; the client address as
apps.core.net reads it). Everyone else gets 401 (a token, wrong or missing, when one is
set) or 403, in the error shape (JSON: scrapers are machines).

Several processes (gunicorn workers): with PROMETHEUS_MULTIPROC_DIR set (docker/entrypoint.sh
empties it when the server starts; gunicorn's `child_exit` hook in docker/gunicorn.conf.py
marks a dead worker's files), each process writes its samples to files there and a scrape
adds up every process's, whichever worker answers."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from .errors import error_payload
from .net import _address, _networks, _trusted, client_ip


def _allowed_by_network(request) -> bool:
    address = _address(client_ip(request) or "")
    networks = _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    return address is not None and bool(networks) and _trusted(address, networks)


@never_cache
def metrics_view(request):
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return ExportToDjangoView(request)
    if _allowed_by_network(request) and not sent:
        return ExportToDjangoView(request)
    if token:
        response = JsonResponse(error_payload("not_authenticated",
                                              _("Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.")),
                                status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return JsonResponse(error_payload("permission_denied", _("Metrics are not readable from this address.")),
                        status=403)
