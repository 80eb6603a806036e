"""The "Backups" tab's pages in the ops portal (apps.ops.admin wires them under a tenant's
page; the admin site's admin_view wraps them: HQ staff with MFA only). Seeing backups
needs `backups.view_backup`; "Back up now" and "Restore" need `backups.manage_backup`
(HQ_MASTER): others get no buttons, and 403 (recorded as a security event) on a POST."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from apps.core.errors import PlatformError
from apps.tenants.models import Tenant
from apps.tenants.permissions import require_perm

from .models import Backup
from .selectors import progress_payload
from .services import PERMISSION, backup_request, restore_request

VIEW_PERMISSION = "backups.view_backup"


def _tenant(model_admin, request, object_id) -> Tenant:
    return get_object_or_404(model_admin.get_queryset(request), pk=object_id)


def _require_manage(request, tenant: Tenant, action: str) -> None:
    if not request.user.has_perm(PERMISSION):
        try:
            require_perm(request.user, PERMISSION, action=action, tenant=tenant)  # records the refusal
        except PlatformError:
            raise PermissionDenied from None


def _tab_url(tenant: Tenant) -> str:
    return reverse("ops_admin:tenants_tenant_change", args=[tenant.pk]) + "#backups"


def _page(model_admin, request, tenant, template: str, **context):
    return render(request, template, {**model_admin.admin_site.each_context(request), "tenant": tenant,
                                      "opts": Tenant._meta, "change_url": _tab_url(tenant), **context})


@require_http_methods(["GET", "POST"])
def backup_now_view(request, model_admin, object_id):
    tenant = _tenant(model_admin, request, object_id)
    _require_manage(request, tenant, "portal:backup")
    if request.method == "POST":
        try:
            backup_request(tenant=tenant, actor=request.user)
        except PlatformError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The backup of %(name)s has started. Its progress shows below.")
                             % {"name": tenant.name})
        return redirect(_tab_url(tenant))
    return _page(model_admin, request, tenant, "backups/backup_now.html", title=_("Back up now"))


class RestoreForm(forms.Form):
    INTO = "into"
    COPY = "copy"
    target = forms.ChoiceField(label=_("Restore"), widget=forms.RadioSelect, initial=INTO, choices=[
        (INTO, _("Into this tenant, replacing its current data (which is backed up first)")),
        (COPY, _("As a new tenant (a copy), leaving this one as it is"))])
    as_slug = forms.CharField(label=_("The copy's slug"), required=False, max_length=40,
                              help_text=_("Becomes the copy's subdomain, e.g. acme-copy."))
    confirmation = forms.CharField(label=_("Type the slug to confirm"), max_length=40,
                                   help_text=_("This tenant's slug, or the copy's."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == self.COPY and not cleaned.get("as_slug"):
            self.add_error("as_slug", _("Choose the copy's slug."))
        return cleaned


@require_http_methods(["GET", "POST"])
def restore_view(request, model_admin, object_id, backup_id):
    tenant = _tenant(model_admin, request, object_id)
    _require_manage(request, tenant, "portal:restore")
    backup = get_object_or_404(Backup, pk=backup_id, tenant=tenant, status=Backup.Status.SUCCEEDED)
    form = RestoreForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        as_slug = form.cleaned_data["as_slug"] if form.cleaned_data["target"] == RestoreForm.COPY else ""
        try:
            restore_request(backup=backup, actor=request.user, confirmation=form.cleaned_data["confirmation"],
                            as_slug=as_slug)
        except PlatformError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The restore has started. Its progress shows below."))
            return redirect(_tab_url(tenant))
    return _page(model_admin, request, tenant, "backups/restore.html", title=_("Restore a backup"),
                 backup=backup, form=form)


@require_http_methods(["GET"])
def progress_view(request, model_admin, object_id):
    tenant = _tenant(model_admin, request, object_id)
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    return JsonResponse(progress_payload(tenant))
