"""The person's own pages on a tenant host (the account pages' look, templates/account/):
their token sessions on this workspace (apps.accounts.sessions), ended one by one or all."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import sessions


@never_cache
@require_http_methods(["GET", "POST"])
def sessions_view(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("tenant_admin:login"))
    user, tenant = request.user, request.tenant
    if request.method == "POST":
        if request.POST.get("end") == "all":
            ended = sessions.sessions_end_others(user=user, tenant=tenant)
            messages.success(request, ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended)
                             % {"count": ended})
        elif sessions.session_end(user=user, tenant=tenant, session=_uuid(request.POST.get("end"))):
            messages.success(request, _("The session has ended: that device is logged out."))
        else:
            messages.error(request, _("That session has already ended."))
        return redirect("account-sessions")
    rows = [{"id": row.public_id, "device": sessions.device_label(row.user_agent), "ip": row.ip,
             "created_at": row.created_at, "last_used_at": row.last_used_at,
             "just_now": row.last_used_at is not None and timezone.now() - row.last_used_at < timedelta(minutes=1)}
            for row in sessions.active_sessions(user=user, tenant=tenant)]
    return render(request, "account/sessions.html", {"sessions": rows})


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
