"""The page behind an invitation link: set a password (new to the platform) or confirm
with the existing one; then the person is staff here and goes to the workspace admin."""

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from apps.core.errors import PlatformError, error_response, wants_json

from . import services
from .forms import AcceptForm


def _refused(request, error: PlatformError):
    """A used, expired or withdrawn link is gone (410): say why and offer the login; an
    unknown one is an ordinary 404."""
    if error.status != 410 or wants_json(request):
        return error_response(request, error.status, error.code, error.message)
    return render(request, "staff/invitation_gone.html", {"message": error.message, "code": error.code,
                                                          "tenant": request.tenant,
                                                          "login_url": reverse("tenant_admin:login")}, status=410)


@never_cache
@sensitive_post_parameters("password", "password_again")
def invitation_accept_view(request, token: str):
    try:
        invitation = services.invitation_for_token(token)
    except PlatformError as error:
        return _refused(request, error)
    needs_password = services.invitation_needs_password(invitation)
    form = AcceptForm(request.POST or None, needs_password=needs_password)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password"],
                                              full_name=form.cleaned_data.get("full_name", ""))
        except PlatformError as error:
            if error.status == 410:  # used or withdrawn meanwhile
                return _refused(request, error)
            field = "password" if error.code in ("validation_error", "invalid_credentials") else None
            messages = error.details.get("password") if error.details.get("password") else [error.message]
            for message in messages:
                form.add_error(field, message)
        else:
            login(request, user, backend="apps.accounts.backends.PlatformBackend")
            return redirect(reverse("tenant_admin:index"))
    return render(request, "staff/accept.html", {"form": form, "invitation": invitation,
                                                  "needs_password": needs_password, "tenant": request.tenant})
