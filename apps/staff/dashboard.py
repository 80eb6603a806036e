"""Staff on the tenant admin's dashboard (apps.core.dashboard), registered by
StaffConfig.ready(): the setup step "Invite your team" (ticked once someone beyond the
owner works here or an invitation went out) and the staff meter (active staff, counted
against the plan's `staff_users` limit, as invitations and accepts are)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.admin_sites import tenant_admin
from apps.core.dashboard import request_memo, setup_step, usage_meter

from .models import Invitation
from .services import staff_count


def active_staff(request) -> int:
    return request_memo(request, "staff.count", staff_count)


def team_invited(request) -> bool:
    return active_staff(request) > 1 or Invitation.objects.exclude(status=Invitation.Status.REVOKED).exists()


def may_invite(request) -> bool:
    return tenant_admin.get_model_admin(Invitation).has_add_permission(request)


def register() -> None:
    setup_step(tenant_admin, "staff.invite", _("Invite your team"),
               description=_("Each person gets their own login and only the roles you give them."),
               done=team_invited, url=lambda request: reverse("tenant_admin:staff_invitation_add"), order=20,
               permission=may_invite)
    usage_meter(tenant_admin, "staff_users", _("Staff"), used=active_staff, limit_key="staff_users", order=10,
                url=lambda request: reverse("tenant_admin:staff_staffprofile_changelist"))
