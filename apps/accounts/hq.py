"""HQ groups: the only source of permissions on the public host (the ops portal).

Permission matrix (the portal hides what a role may not do; the services refuse it too):

| action                                   | HQ_MASTER | HQ_ADMIN | SECURITY_OFFICER | SUPPORT |
|------------------------------------------|-----------|----------|------------------|---------|
| view tenants, onboarding, webhooks, users| yes       | yes      | yes              | yes     |
| create tenants, edit details, domains    | yes       | yes      |                  |         |
| decide onboarding steps, approve tenants | yes       | yes      | security step*   |         |
| start / retry provisioning               | yes       | yes      |                  |         |
| suspend and reactivate                   | yes       | yes      | yes (incidents)  |         |
| soft-delete and restore                  | yes       |          |                  |         |
| resend owner invite, comment             | yes       | yes      |                  | yes     |
| edit the onboarding checklist template   | yes       | yes      |                  |         |
| platform API keys: view / issue, revoke  | yes / yes | yes / -  | yes / yes        |         |
| read and export the audit log            | yes       | yes      | yes              |         |
| retry inbound webhooks                   | yes       | yes      |                  |         |
| view failed tasks / retry, dismiss them  | yes / yes | yes / yes| yes / -          | yes / - |
| prices and commission (billing)          | yes       |          |                  |         |
| view settlement, tax invoices            | yes       | yes      | yes              | yes     |
| confirm, pay out, hold settlement; runs  | yes       | yes      |                  |         |
| HQ groups                                | yes       |          | view             |         |
| tenant backups: view / back up, restore  | yes / yes | yes / -  | yes / -          | yes / - |

* SECURITY_OFFICER may decide steps but not the final activation (it needs approve_tenant).
"""

HQ_MASTER = "HQ_MASTER"
HQ_ADMIN = "HQ_ADMIN"
SECURITY_OFFICER = "SECURITY_OFFICER"
SUPPORT = "SUPPORT"
HQ_GROUPS = (HQ_MASTER, HQ_ADMIN, SECURITY_OFFICER, SUPPORT)

# Model permissions each group holds in the ops portal ("app_label.codename").
_VIEW_PLATFORM = [
    "tenants.view_tenant", "tenants.view_domain", "accounts.view_user", "accounts.view_membership",
    "inbound.view_inboundevent", "directory.view_listing",
    "tenants.view_tenantstatuschange", "onboarding.view_approvalstep", "onboarding.view_checklistitem",
    "onboarding.view_checklisttemplateitem", "onboarding.view_stepcomment",
]
_MANAGE_TENANTS = [
    "tenants.approve_tenant", "tenants.provision_tenant", "tenants.suspend_tenant", "tenants.support_tenant",
    "onboarding.decide_approvalstep", "onboarding.change_checklistitem", "onboarding.add_stepcomment",
    "onboarding.add_checklisttemplateitem", "onboarding.change_checklisttemplateitem",
    "onboarding.delete_checklisttemplateitem",
]
_READ_AUDIT = ["audit.view_auditevent", "audit.view_auditcheckpoint"]
_MANAGE_PLATFORM = [
    "tenants.add_tenant", "tenants.change_tenant", "tenants.add_domain", "tenants.change_domain",
    "tenants.delete_domain", "accounts.add_user", "accounts.change_user", "accounts.add_membership",
    "accounts.change_membership", "accounts.delete_membership", "inbound.retry_inboundevent",
]
_VIEW_PLATFORM += ["roletemplates.view_roletemplate", "roletemplates.view_roletemplatepermission"]
_MANAGE_PLATFORM += [
    "roletemplates.add_roletemplate", "roletemplates.change_roletemplate", "roletemplates.delete_roletemplate",
    "roletemplates.add_roletemplatepermission", "roletemplates.change_roletemplatepermission",
    "roletemplates.delete_roletemplatepermission",
]
# Plans and billing, feature flags, industry templates, API usage (issue 4). Prices and
# commission (a new price version, add-on prices) are HQ_MASTER only (_PRICING).
_VIEW_PLATFORM += [
    "billing.view_plan", "billing.view_planprice", "billing.view_addon", "billing.view_promocode",
    "billing.view_subscription", "billing.view_invoice", "billing.view_payment", "billing.view_addonrequest",
    "flags.view_flag", "flags.view_flagrule", "flags.view_flagoverride", "industry.view_industrytemplate",
    "industry.view_templateapplication", "ratelimit.view_tenantapiusage",
]
_MANAGE_PLATFORM += [
    "billing.add_plan", "billing.change_plan", "billing.add_addon", "billing.change_addon", "billing.add_promocode",
    "billing.change_promocode", "billing.change_subscription", "billing.decide_addonrequest",
    "flags.add_flag", "flags.change_flag", "flags.delete_flag", "flags.add_flagrule", "flags.change_flagrule",
    "flags.delete_flagrule", "flags.add_flagoverride", "flags.change_flagoverride", "flags.delete_flagoverride",
    "industry.add_industrytemplate", "industry.change_industrytemplate",
]
# HQ's announcements to every workspace (issue 12)
_VIEW_PLATFORM += ["announcements.view_announcement"]
_MANAGE_PLATFORM += ["announcements.add_announcement", "announcements.change_announcement"]
_PRICING = ["billing.change_pricing", "billing.add_planprice"]
# Settlement (issue 15): everyone in HQ reads it; HQ_MASTER and HQ_ADMIN run, confirm, pay out and hold.
_VIEW_PLATFORM += [
    "settlement.view_settlementbatch", "settlement.view_settlementline", "settlement.view_settlementrun",
    "settlement.view_runitem", "settlement.view_taxinvoice", "settlement.view_settlementaccount",
    "settlement.view_reconciliation", "settlement.view_reconciliationitem",
]
_SETTLE = [
    "settlement.confirm_settlementbatch", "settlement.payout_settlementbatch", "settlement.hold_settlementbatch",
    "settlement.start_settlementrun", "settlement.change_settlementaccount", "settlement.add_settlementaccount",
    "settlement.add_reconciliation",
]
# Failed Celery tasks (issue 18, apps.ops.failed_tasks): everyone in HQ reads them; HQ_MASTER and HQ_ADMIN
# retry and dismiss.
_VIEW_PLATFORM += ["ops.view_failedtask"]
_FAILED_TASKS = ["ops.retry_failedtask", "ops.dismiss_failedtask"]
GROUP_PERMISSIONS = {
    HQ_MASTER: _VIEW_PLATFORM + _MANAGE_PLATFORM + ["auth.view_group", "auth.change_group"]
    + _MANAGE_TENANTS + _READ_AUDIT + _SETTLE + _FAILED_TASKS
    + ["tenants.remove_tenant", "market.view_platformapikey", "market.add_platformapikey",
       "market.revoke_platformapikey"],
    HQ_ADMIN: _VIEW_PLATFORM + _MANAGE_PLATFORM + _MANAGE_TENANTS + _READ_AUDIT + _SETTLE + _FAILED_TASKS
    + ["market.view_platformapikey"],
    SECURITY_OFFICER: _VIEW_PLATFORM + ["auth.view_group"]
    + _READ_AUDIT + ["tenants.suspend_tenant", "onboarding.decide_approvalstep", "onboarding.add_stepcomment",
                     "market.view_platformapikey", "market.add_platformapikey", "market.revoke_platformapikey"],
    SUPPORT: _VIEW_PLATFORM + ["tenants.support_tenant", "onboarding.add_stepcomment"],
}
GROUP_PERMISSIONS[HQ_MASTER] = GROUP_PERMISSIONS[HQ_MASTER] + _PRICING
# Tenant backups (issue 18): everyone in HQ sees them; only HQ_MASTER backs up and restores.
for _group in GROUP_PERMISSIONS.values():
    _group.append("backups.view_backup")
GROUP_PERMISSIONS[HQ_MASTER].append("backups.manage_backup")
