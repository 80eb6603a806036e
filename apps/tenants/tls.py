"""The TLS proxy's on-demand question (Caddy `on_demand_tls { ask ... }`): may a
certificate be issued for `?domain=`? 200 for the platform's own names and verified custom
domains, 404 otherwise (Caddy issues only on a 2xx); always JSON (a machine asks).
Answers on any host (ANY_HOST_PATHS)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.core.errors import error_payload

from .domains import tls_may_issue


@require_GET
def tls_ask_view(request):
    hostname = request.GET.get("domain", "")
    if not hostname:
        return JsonResponse(error_payload("domain_required", _("Name the host name in ?domain=.")), status=400)
    if not tls_may_issue(hostname):
        return JsonResponse(error_payload("domain_not_served", _(
            "No certificate is issued for this host name: it is not a verified domain.")), status=404)
    return JsonResponse({"domain": hostname.strip().lower().rstrip("."), "allowed": True})
