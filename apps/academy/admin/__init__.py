"""The academy in the tenant admin (academy workspaces only): classes with their
sessions, the week's timetable, a session's roster with the attendance grid,
enrolments and waitlists, students, holidays, tuition (the unpaid list), passes and
their plans, the billing rules; "Today's sessions" on the dashboard.
Writes go through apps.academy.services; reads through its scoped selectors."""

from django.utils.translation import gettext_lazy as _

from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin

from .. import dashboard
from ..models import AcademySettings, Class, Enrolment, Holiday, Pass, PassPlan, Session, StudentProfile, TuitionInvoice
from .billing import AcademySettingsAdmin, PassAdmin, PassPlanAdmin, TuitionInvoiceAdmin
from .classes import ClassAdmin, SessionAdmin
from .common import is_academy
from .enrolments import EnrolmentAdmin
from .students import HolidayAdmin, StudentProfileAdmin

tenant_admin.register(Class, ClassAdmin)
tenant_admin.register(Session, SessionAdmin)
tenant_admin.register(Enrolment, EnrolmentAdmin)
tenant_admin.register(StudentProfile, StudentProfileAdmin)
tenant_admin.register(Holiday, HolidayAdmin)
tenant_admin.register(TuitionInvoice, TuitionInvoiceAdmin)
tenant_admin.register(Pass, PassAdmin)
tenant_admin.register(PassPlan, PassPlanAdmin)
tenant_admin.register(AcademySettings, AcademySettingsAdmin)

admin_navigation(tenant_admin, "academy", model=Session, title=_("Timetable"), icon="calendar_month", order=10)
admin_navigation(tenant_admin, "academy", model=Class, icon="school", order=20)
admin_navigation(tenant_admin, "academy", model=Enrolment, icon="how_to_reg", order=30)
admin_navigation(tenant_admin, "academy", model=StudentProfile, icon="face", order=40)
admin_navigation(tenant_admin, "academy", model=TuitionInvoice, title=_("Tuition"), icon="receipt_long", order=35)
admin_navigation(tenant_admin, "academy", model=Pass, icon="confirmation_number", order=37)
admin_navigation(tenant_admin, "academy", model=Holiday, icon="event_busy", order=50)
admin_navigation(tenant_admin, "academy", model=PassPlan, icon="sell", order=60)
admin_navigation(tenant_admin, "academy", model=AcademySettings, title=_("Billing rules"), icon="tune", order=70)

dashboard.register()

__all__ = ["is_academy"]
