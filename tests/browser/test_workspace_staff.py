"""An owner invites a teacher limited to one branch in the tenant admin; the teacher
accepts, logs in and sees only that branch's customers (Playwright + Chromium)."""

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.plugin import ARTIFACTS, PASSWORD, read_live_mail

pytestmark = pytest.mark.browser
TEACHER = "teacher.browser@example.com"
TEACHER_PASSWORD = "Browser-teach-2026!"


def url(live_server_url, path, host="alpha.localhost"):
    return live_server_url.format(host=host) + path


@pytest.fixture
def academy(committed):
    """Two branches with a customer each, committed for the web server process."""
    from apps.accounts.models import Membership, User
    from apps.branches.models import Branch
    from apps.crm.models import Customer
    from apps.rbac.models import RoleAssignment
    from apps.staff.models import Invitation, StaffProfile

    committed.email(TEACHER)
    with schema_context("alpha"):
        north = Branch.objects.create(name="Browser North")
        south = Branch.objects.create(name="Browser South")
        Customer.objects.create(name="Nari North-Student", branch=north)
        Customer.objects.create(name="Sora South-Student", branch=south)
        from apps.rbac.models import Role

        teacher_role = Role.objects.get(key="teacher").pk
    connection.set_schema_to_public()
    yield {"north": north, "south": south, "teacher_role": teacher_role}
    with schema_context("alpha"):
        user_ids = list(User.objects.filter(email=TEACHER).values_list("pk", flat=True))
        RoleAssignment.objects.filter(user_id__in=user_ids).delete()
        StaffProfile.objects.filter(user_id__in=user_ids).delete()
        Invitation.objects.filter(email=TEACHER).delete()
        Customer.objects.filter(branch__in=[north, south]).delete()
        Branch.objects.filter(pk__in=[north.pk, south.pk]).delete()
    connection.set_schema_to_public()
    Membership.objects.filter(user__email=TEACHER).delete()


def test_owner_invites_branch_teacher_who_sees_only_that_branch(page, live_server_url, live_server_mail, academy,
                                                                 browser):
    page.goto(url(live_server_url, "/admin/"))
    page.fill("input[name=username]", "owner@alpha.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    page.goto(url(live_server_url, "/admin/rbac/role/matrix/"))
    page.wait_for_selector("table.matrix")
    assert "Customers" in page.inner_text("table.matrix") and "customer:view" not in page.inner_text("table.matrix")
    page.screenshot(path=str(ARTIFACTS / "workspace-role-matrix.png"), full_page=True)

    page.goto(url(live_server_url, "/admin/staff/invitation/add/"))
    page.fill("input[name=email]", TEACHER)
    page.fill("input[name=full_name]", "Browser Teacher")
    page.select_option("select#id_roles_from", value=str(academy["teacher_role"]))
    page.click("#id_roles_add")
    page.select_option("select#id_branches_from", label="Browser North")
    page.click("#id_branches_add")
    page.screenshot(path=str(ARTIFACTS / "workspace-invite-form.png"), full_page=True)
    page.click("[name=_save]")  # unfold: a <button>
    page.wait_for_selector("ul.messagelist")
    page.screenshot(path=str(ARTIFACTS / "workspace-invitation-sent.png"), full_page=True)
    assert "/invite/" not in page.inner_text("ul.messagelist")  # the link goes to the invitee only
    accept_path = re.search(r"/invite/[\w-]+/", read_live_mail(live_server_mail, TEACHER)[-1]).group(0)

    teacher = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    teacher.goto(url(live_server_url, accept_path))
    assert TEACHER in teacher.inner_text("main")
    teacher.fill("input[name=full_name]", "Browser Teacher")
    teacher.fill("input[name=password]", TEACHER_PASSWORD)
    teacher.fill("input[name=password_again]", TEACHER_PASSWORD)
    teacher.screenshot(path=str(ARTIFACTS / "workspace-accept-invitation.png"), full_page=True)
    teacher.click("button[type=submit]")
    teacher.wait_for_selector("#site-name")
    assert "Alpha" in teacher.inner_text("#site-name")

    teacher.goto(url(live_server_url, "/admin/crm/customer/"))
    teacher.wait_for_selector("#result_list")
    table = teacher.inner_text("#result_list")
    assert "Nari North-Student" in table and "Sora South-Student" not in table
    teacher.screenshot(path=str(ARTIFACTS / "workspace-teacher-customers.png"), full_page=True)
    # and by id: the other branch's customer is not there
    with schema_context("alpha"):
        from apps.crm.models import Customer

        south_id = Customer.objects.get(name="Sora South-Student").pk
    connection.set_schema_to_public()
    teacher.goto(url(live_server_url, f"/admin/crm/customer/{south_id}/change/"))
    assert "Sora South-Student" not in teacher.content()
    teacher.context.close()
