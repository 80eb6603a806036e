"""What the academy's API views share: the scope each method reaches
(`selectors.access_as`) and the scoped base views."""

from __future__ import annotations

from apps.accounts.models import User
from apps.authz.access import Access
from apps.crm import selectors as crm_selectors
from apps.rbac.api import WorkspaceApi

from .. import selectors
from ..models import Class, Enrolment, Session

TAGS = ["academy"]
MY_TAGS = ["my"]



def _user(pk):
    """A user by id, or None (the services refuse a teacher who is not staff here)."""
    return User.objects.filter(pk=pk).first() if pk is not None else None


class AcademyApi(WorkspaceApi):
    view_perm = ""  # "academy.view_class": the scope selector's permission

    def scoped_access(self, view_perm: str = "") -> Access:
        """What the method's grant reaches, asked as `view_perm` (the view's own by default)."""
        return selectors.access_as(self.access, self.perm_name(), view_perm or self.view_perm)


class ClassScoped(AcademyApi):
    view_perm = "academy.view_class"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Class.objects.none()
        return selectors.classes_visible_to(user=self.actor, access=self.scoped_access())


class SessionScoped(AcademyApi):
    view_perm = "academy.view_session"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Session.objects.none()
        return selectors.sessions_visible_to(user=self.actor, access=self.scoped_access())


class StudentScoped(AcademyApi):
    view_perm = "academy.view_studentprofile"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return crm_selectors.customers_live().none()
        return selectors.students_visible_to(user=self.actor, access=self.scoped_access())


class EnrolmentScoped(AcademyApi):
    """Enrolments of the classes the method's grant reaches."""

    view_perm = "academy.view_class"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Enrolment.objects.none()
        classes = selectors.classes_visible_to(user=self.actor, access=self.scoped_access())
        return (Enrolment.objects.filter(klass__in=classes.values("pk")).select_related("klass", "student")
                .order_by("-id"))


# --- Classes ----------------------------------------------------------------------------
