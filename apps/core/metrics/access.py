"""Who may read the metrics, the web's `/metrics` and a Celery worker's endpoint alike: a
scraper sending `Authorization: Bearer <METRICS_TOKEN>`, or one connecting from
METRICS_ALLOWED_NETWORKS (loopback by default) without any Authorization header. Everyone
else is refused: 401 when a token is set (wrong or missing), 403 otherwise."""

from __future__ import annotations

import hmac
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..net import address_in


class Refusal(NamedTuple):
    status: int
    code: str
    message: object  # a lazy translation


def metrics_refusal(*, authorization: str, address: str | None) -> Refusal | None:
    """None when the caller may read the metrics; why not otherwise. `address`: the
    client's address as apps.core.net reads it (the peer for a worker's endpoint)."""
    token = settings.METRICS_TOKEN
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return None
    if not authorization and address_in(address, settings.METRICS_ALLOWED_NETWORKS):
        return None
    if token:
        return Refusal(401, "not_authenticated", _("Send the metrics token: Authorization: Bearer <METRICS_TOKEN>."))
    return Refusal(403, "permission_denied", _("Metrics are not readable from this address."))
