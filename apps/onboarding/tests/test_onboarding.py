"""Onboarding: checklist, approval chain order, assignees, comments, reject/reopen, and
the final approval that approves and provisions in one step."""

import pytest
from django.contrib.auth.models import Group

from apps.accounts.hq import HQ_ADMIN, HQ_MASTER, SECURITY_OFFICER, SUPPORT
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.billing.models import Plan
from apps.core.errors import PlatformError
from apps.onboarding import services
from apps.onboarding.models import ApprovalStep, ChecklistTemplateItem
from apps.onboarding.selectors import onboarding_board
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create


def staff(email, group):
    user = User.objects.create_user(email, "x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def admin(db):
    return staff("admin@platform.test", HQ_ADMIN)


@pytest.fixture
def tenant(db):
    tenant = tenant_create(slug="onb-one", name="Onboard One", business_type="academy",
                           owner_email="owner@onb-one.test", provision=False)
    services.onboarding_open(tenant=tenant)
    return tenant


def step(tenant, stage):
    return tenant.approval_steps.get(stage=stage)


def finish_checklist(tenant, actor):
    """Tick what is ticked by hand before activation ("plan" ticks itself, "data-import"
    comes after activation)."""
    for item in tenant.checklist.exclude(key="plan").filter(after_activation=False):
        services.checklist_item_set(item=item, done=True, actor=actor)


@pytest.fixture
def plan(db):
    return Plan.objects.create(code="onb-plan", name="Onboarding plan")


def approvers(count=4):
    """Four-eyes: one HQ admin per stage."""
    return [staff(f"approver{n}@platform.test", HQ_ADMIN) for n in range(count)]


def test_open_copies_the_template_and_creates_the_chain(tenant):
    assert list(tenant.checklist.values_list("key", flat=True)) == [
        "contract", "payment", "role-template", "plan", "data-import"]
    assert [s.stage for s in tenant.approval_steps.all()] == ApprovalStep.ORDER
    services.onboarding_open(tenant=tenant)  # idempotent
    assert tenant.approval_steps.count() == 4 and tenant.checklist.count() == 5


def test_template_changes_apply_to_new_onboardings(tenant, admin):
    item = ChecklistTemplateItem(key="kyc", title="Business registration checked", title_ko="사업자 등록 확인",
                                 sort_order=60)
    services.template_item_save(item=item, actor=admin)
    other = tenant_create(slug="onb-two", name="Two", business_type="food", owner_email="o@onb-two.test",
                          provision=False)
    services.onboarding_open(tenant=other)
    assert other.checklist.filter(key="kyc").exists() and not tenant.checklist.filter(key="kyc").exists()
    assert AuditEvent.objects.filter(action="onboarding.template_changed", actor=admin).exists()


def test_steps_must_be_approved_in_order(tenant, admin):
    with pytest.raises(PlatformError) as exc:
        services.step_approve(step=step(tenant, "security"), actor=admin)
    assert "Earlier steps" in str(exc.value.message)
    services.step_approve(step=step(tenant, "sales"), actor=admin, comment="contract ok")
    assert step(tenant, "sales").status == ApprovalStep.Status.APPROVED
    assert step(tenant, "sales").comments.get().body == "contract ok"
    with pytest.raises(PlatformError) as exc:
        services.step_approve(step=step(tenant, "sales"), actor=admin)
    assert "already been decided" in str(exc.value.message)


def test_final_approval_needs_the_checklist_then_approves_and_provisions(tenant, admin, plan,
                                                                      django_capture_on_commit_callbacks):
    sales, security, technical, activation = approvers()
    for stage, person in (("sales", sales), ("security", security), ("technical", technical)):
        services.step_approve(step=step(tenant, stage), actor=person)
    with pytest.raises(PlatformError) as exc:
        services.step_approve(step=step(tenant, "activation"), actor=activation)
    assert exc.value.code == "checklist_incomplete" and "Contract signed" in str(exc.value.message)
    finish_checklist(tenant, admin)
    with pytest.raises(PlatformError) as exc:  # no plan yet: "Plan chosen" is not ticked
        services.step_approve(step=step(tenant, "activation"), actor=activation)
    assert exc.value.code == "checklist_incomplete" and "Plan chosen" in str(exc.value.message)
    assert "Initial data imported" not in str(exc.value.message)  # that comes after activation
    Tenant.objects.filter(pk=tenant.pk).update(plan=plan)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.step_approve(step=step(tenant, "activation"), actor=activation)
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.PROVISIONING and tenant.approved_at is not None
    assert any("_queue_provisioning" in cb.__qualname__ for cb in callbacks)
    history = list(tenant.status_changes.order_by("created_at", "id").values_list("to_status", flat=True))
    assert history == ["requested", "approved", "provisioning"]
    actions = set(AuditEvent.objects.filter(tenant_slug="onb-one").values_list("action", flat=True))
    assert {"onboarding.step_approved", "onboarding.checklist_changed", "tenant.approved",
            "tenant.provisioning_started"} <= actions


def test_reject_needs_a_reason_and_can_be_reopened(tenant, admin):
    with pytest.raises(PlatformError) as exc:
        services.step_reject(step=step(tenant, "sales"), actor=admin, comment="")
    assert exc.value.code == "comment_required"
    services.step_reject(step=step(tenant, "sales"), actor=admin, comment="no contract yet")
    assert step(tenant, "sales").status == ApprovalStep.Status.REJECTED
    assert onboarding_board()["rejected"][0].slug == "onb-one"
    with pytest.raises(PlatformError):
        services.step_approve(step=step(tenant, "sales"), actor=admin)
    services.step_reopen(step=step(tenant, "sales"), actor=admin)
    assert step(tenant, "sales").status == ApprovalStep.Status.PENDING
    assert [t.slug for t in onboarding_board()["sales"]] == ["onb-one"]


def test_assignee_decides_or_an_hq_master(tenant, admin):
    assignee = staff("sales@platform.test", HQ_ADMIN)
    master = staff("master@platform.test", HQ_MASTER)
    services.step_assign(step=step(tenant, "sales"), assignee=assignee, actor=admin)
    with pytest.raises(PlatformError) as exc:
        services.step_approve(step=step(tenant, "sales"), actor=admin)
    assert exc.value.code == "permission_denied" and "sales@platform.test" in str(exc.value.message)
    services.step_approve(step=step(tenant, "sales"), actor=master)
    with pytest.raises(PlatformError) as exc:  # not HQ staff
        services.step_assign(step=step(tenant, "security"), assignee=User.objects.get(email="owner@alpha.test"),
                             actor=admin)
    assert exc.value.code == "invalid_assignee" and exc.value.status == 400


def test_only_the_assignee_or_an_hq_master_reassigns_an_assigned_step(tenant, admin):
    master = staff("master@platform.test", HQ_MASTER)
    officer = staff("sec@platform.test", SECURITY_OFFICER)
    services.step_assign(step=step(tenant, "sales"), assignee=admin, actor=admin)
    with pytest.raises(PlatformError) as exc:  # taking the step over would bypass the assignee rule
        services.step_assign(step=step(tenant, "sales"), assignee=officer, actor=User.objects.get(pk=officer.pk))
    assert exc.value.code == "permission_denied" and "admin@platform.test" in str(exc.value.message)
    assert step(tenant, "sales").assignee == admin
    with pytest.raises(PlatformError):
        services.step_approve(step=step(tenant, "sales"), actor=User.objects.get(pk=officer.pk))
    assert step(tenant, "sales").status == ApprovalStep.Status.PENDING
    services.step_assign(step=step(tenant, "sales"), assignee=master, actor=admin)  # the assignee hands it on
    services.step_assign(step=step(tenant, "sales"), assignee=officer, actor=master)  # an HQ master may
    assert step(tenant, "sales").assignee == officer


def test_roles_in_the_chain(tenant, admin):
    officer = staff("sec@platform.test", SECURITY_OFFICER)
    support = staff("support@platform.test", SUPPORT)
    with pytest.raises(PlatformError) as exc:
        services.step_approve(step=step(tenant, "sales"), actor=support)
    assert exc.value.code == "permission_denied"
    services.step_comment(step=step(tenant, "sales"), body="customer called", actor=support)
    services.step_approve(step=step(tenant, "sales"), actor=officer)
    services.step_approve(step=step(tenant, "security"), actor=staff("sec2@platform.test", SECURITY_OFFICER))
    services.step_approve(step=step(tenant, "technical"), actor=admin)
    finish_checklist(tenant, admin)
    with pytest.raises(PlatformError) as exc:  # activation needs approve_tenant
        services.step_approve(step=step(tenant, "activation"), actor=officer)
    assert exc.value.code == "permission_denied"
    with pytest.raises(PlatformError):
        services.checklist_item_set(item=tenant.checklist.first(), done=False, actor=officer)


def test_board_groups_tenants_by_stage_with_fixed_queries(tenant, admin, django_assert_num_queries):
    services.step_approve(step=step(tenant, "sales"), actor=admin)
    for n in range(3):
        other = tenant_create(slug=f"onb-x{n}", name=f"X{n}", business_type="food", owner_email=f"o{n}@x.test",
                              provision=False)
        services.onboarding_open(tenant=other)
    with django_assert_num_queries(3):
        board = onboarding_board()
    assert [t.slug for t in board["security"]] == ["onb-one"]
    assert [t.slug for t in board["sales"]] == ["onb-x0", "onb-x1", "onb-x2"]
    assert board["security"][0].checklist_total == 4  # before activation: data import comes after


# --- Automatic and after-activation items ----------------------------------------------------


def test_plan_chosen_ticks_itself_from_the_tenants_plan(tenant, admin, plan):
    from apps.onboarding.selectors import checklist_items

    item = tenant.checklist.get(key="plan")
    with pytest.raises(PlatformError) as exc:  # never by hand
        services.checklist_item_set(item=item, done=True, actor=admin)
    assert exc.value.code == "checklist_automatic"
    assert not {i.key: i.done for i in checklist_items(tenant)}["plan"]
    Tenant.objects.filter(pk=tenant.pk).update(plan=plan)  # e.g. billing set it
    tenant = Tenant.objects.get(pk=tenant.pk)
    items = {i.key: i for i in checklist_items(tenant)}
    assert items["plan"].done and items["plan"].automatic
    assert not tenant.checklist.get(key="plan").done  # read, not written
    assert not AuditEvent.objects.filter(action="onboarding.checklist_changed").exists()


def test_data_import_comes_after_activation(tenant, admin):
    item = tenant.checklist.get(key="data-import")
    assert item.after_activation
    with pytest.raises(PlatformError) as exc:
        services.checklist_item_set(item=item, done=True, actor=admin)
    assert exc.value.code == "checklist_after_activation" and "Onboard One" in str(exc.value.message)
    Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.ACTIVE)
    item = services.checklist_item_set(item=tenant.checklist.get(key="data-import"), done=True, actor=admin)
    assert item.done and item.done_by == admin


def test_template_items_carry_after_activation_to_new_checklists(tenant, admin):
    services.template_item_save(item=ChecklistTemplateItem(key="training", title="Staff trained", title_ko="직원 교육",
                                                           sort_order=70, after_activation=True), actor=admin)
    other = tenant_create(slug="onb-three", name="Three", business_type="food", owner_email="o@onb-three.test",
                          provision=False)
    services.onboarding_open(tenant=other)
    assert other.checklist.get(key="training").after_activation
    assert ChecklistTemplateItem.objects.get(key="data-import").after_activation  # the migration moved it


# --- Four-eyes ---------------------------------------------------------------------------------


def test_one_person_approves_one_stage_per_tenant(tenant, admin, settings):
    settings.ONBOARDING_FOUR_EYES = True
    services.step_approve(step=step(tenant, "sales"), actor=admin)
    with pytest.raises(PlatformError) as exc:
        services.step_approve(step=step(tenant, "security"), actor=admin)
    assert exc.value.code == "four_eyes" and exc.value.status == 409
    assert "Sales" in str(exc.value.message) and "Onboard One" in str(exc.value.message)
    assert step(tenant, "security").status == ApprovalStep.Status.PENDING
    # an HQ master is no exception
    master = staff("master@platform.test", HQ_MASTER)
    services.step_approve(step=step(tenant, "security"), actor=master)
    with pytest.raises(PlatformError) as exc:
        services.step_approve(step=step(tenant, "technical"), actor=master)
    assert exc.value.code == "four_eyes"
    # rejecting is not approving: the same person may reject (and reopen) a later stage
    services.step_reject(step=step(tenant, "technical"), actor=admin, comment="servers not sized")
    assert not AuditEvent.objects.filter(action="onboarding.four_eyes_relaxed").exists()


def test_relaxed_four_eyes_is_audited(tenant, admin, settings):
    settings.ONBOARDING_FOUR_EYES = False
    services.step_approve(step=step(tenant, "sales"), actor=admin)
    assert not AuditEvent.objects.filter(action="onboarding.four_eyes_relaxed").exists()  # first: nothing to note
    services.step_approve(step=step(tenant, "security"), actor=admin)
    assert step(tenant, "security").status == ApprovalStep.Status.APPROVED
    event = AuditEvent.objects.get(action="onboarding.four_eyes_relaxed")
    assert event.actor == admin and event.category == "security" and event.tenant_slug == "onb-one"
    assert event.metadata["stage"] == "security" and event.metadata["also_approved"] == ["sales"]


def test_four_eyes_is_on_by_default():
    from django.conf import settings

    assert settings.ONBOARDING_FOUR_EYES is True
