from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Announcement
from .services import announcement_dismiss


@require_POST
@login_required(login_url="/admin/login/")
def dismiss_view(request, pk: int):
    """A person hides an announcement for themselves (on every workspace they work in)."""
    announcement = get_object_or_404(Announcement, pk=pk, published_at__isnull=False)
    announcement_dismiss(announcement=announcement, user=request.user)
    target = request.POST.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/admin/"
    return redirect(target)
