from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control

from .services import workspace_settings_get


@cache_control(public=True, max_age=300)
def logo_view(request):
    """The workspace logo (branding is public: it shows on the login page too)."""
    row = workspace_settings_get()
    if not row.logo:
        raise Http404
    return FileResponse(row.logo.open("rb"))
