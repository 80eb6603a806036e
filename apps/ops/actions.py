"""The actions on a tenant's page in the ops portal, one `TenantAction` each, in the order
their buttons appear. The views and templates read this registry; the services do the work
(and check the tenant's status again)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.tenants import lifecycle
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_retry_provisioning

from . import plans


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000, required=False)


@dataclass(frozen=True)
class TenantAction:
    key: str  # in the URL and the button's data-action
    label: str  # the button on the tenant page and on the confirmation page
    title: str  # the confirmation page's heading
    permission: str
    statuses: tuple[str, ...]  # where the button is offered
    # service(tenant=, actor=, **form.cleaned_data) for the generic confirmation page
    service: Callable[..., object] | None = None
    form: type[forms.Form] = forms.Form
    danger: bool = False
    note: str = ""  # what will happen; may use %(retention_days)s and %(email)s
    note_template: str = ""  # or a template for it
    view: Callable | None = None  # a page of its own: view(model_admin, request, tenant, action)
    section: str = "lifecycle"  # where the tenant page shows the button: "lifecycle" or "plan"

    def available_to(self, user, tenant: Tenant) -> bool:
        return tenant.status in self.statuses and user.has_perm(self.permission)


S = Tenant.Status
TENANT_ACTIONS: tuple[TenantAction, ...] = (
    TenantAction("suspend", _("Suspend"), _("Suspend tenant"), "tenants.suspend_tenant", (S.ACTIVE,),
                 service=lifecycle.tenant_suspend, form=ReasonForm, danger=True,
                 note=_("The workspace and its API stop answering (403) until it is reactivated. Its data stays.")),
    TenantAction("reactivate", _("Reactivate"), _("Reactivate tenant"), "tenants.suspend_tenant", (S.SUSPENDED,),
                 service=lifecycle.tenant_reactivate, form=OptionalReasonForm),
    TenantAction("retry", _("Retry provisioning"), _("Retry provisioning"), "tenants.provision_tenant", (S.FAILED,),
                 service=tenant_retry_provisioning),
    TenantAction("delete", _("Delete"), _("Delete tenant"), "tenants.remove_tenant",
                 (S.ACTIVE, S.SUSPENDED, S.FAILED, S.REQUESTED, S.APPROVED),
                 service=lifecycle.tenant_soft_delete, form=ReasonForm, danger=True,
                 note=_("The workspace disappears (404). It can be restored for %(retention_days)s days; after that "
                        "its schema and data are purged for good.")),
    TenantAction("restore", _("Restore"), _("Restore tenant"), "tenants.remove_tenant", (S.DELETED,),
                 service=lifecycle.tenant_restore, form=OptionalReasonForm,
                 note=_("The workspace returns to the status it had before deletion.")),
    TenantAction("resend-invite", _("Send the invite"), _("Resend owner invite"), "tenants.support_tenant",
                 (S.ACTIVE, S.SUSPENDED), service=lifecycle.tenant_resend_invite,
                 note=_("An email with a link to set a password goes to %(email)s.")),
    TenantAction(plans.PLAN_ACTION, _("Change plan"), _("Change plan"), plans.PLAN_PERMISSION, plans.PLAN_STATUSES,
                 view=plans.change_plan_view, note_template="ops/_plan_change_notes.html", section="plan"),
)
ACTIONS_BY_KEY = {action.key: action for action in TENANT_ACTIONS}


def available_actions(user, tenant: Tenant) -> list[TenantAction]:
    return [action for action in TENANT_ACTIONS if action.available_to(user, tenant)]
