"""The home pages of the public host and of a tenant host."""

from django.shortcuts import render


def public_home(request):
    return render(request, "core/public_home.html")


def tenant_home(request):
    return render(request, "core/tenant_home.html", {"tenant": request.tenant})
