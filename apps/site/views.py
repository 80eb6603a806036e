"""The home pages of the public host and of a tenant host, and the language switch."""

from django.conf import settings
from django.shortcuts import render
from django.views import i18n

from apps.accounts.services import user_language_set


def public_home(request):
    return render(request, "core/public_home.html")


def tenant_home(request):
    return render(request, "core/tenant_home.html", {"tenant": request.tenant})


def set_language(request):
    """Django's set_language (the language cookie), routed on both hosts; a person logged
    in keeps the choice on their account too (the admins' language switch posts here)."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if (request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES)
            and response.cookies.get(settings.LANGUAGE_COOKIE_NAME)):
        user_language_set(user=request.user, language=language)
    return response
