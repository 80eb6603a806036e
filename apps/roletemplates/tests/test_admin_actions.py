"""Role templates in the ops portal: created, edited (fields and permission entries) and
deleted, each audited as roletemplate.*; read-only for staff who may only look."""

from django.contrib.auth.models import Permission

from apps.accounts.hq import SUPPORT
from apps.audit.models import AuditEvent
from apps.roletemplates.models import RoleTemplate, RoleTemplatePermission
from tests.admin_pages import change_form_data, portal_user, run_action, texts
from tests.plugin import hq_client

LIST_URL = "/admin/roletemplates/roletemplate/"
NO_ENTRIES = {"entries-TOTAL_FORMS": "0", "entries-INITIAL_FORMS": "0"}


def view_customer() -> Permission:
    return Permission.objects.get(content_type__app_label="crm", codename="view_customer")


def template(key: str = "assistant") -> RoleTemplate:
    return RoleTemplate.objects.create(business_type="retail", key=key, name=key.title(), position=9)


def audited(action: str, target: RoleTemplate):
    return AuditEvent.objects.filter(action=f"roletemplate.{action}", target_id=str(target.pk))


def test_hq_admin_creates_a_template_with_permissions(hq_user):
    response = hq_client().post(f"{LIST_URL}add/", {
        "business_type": "retail", "key": "assistant", "name": "Assistant", "description": "", "position": "9",
        "enabled_by_default": "on", "entries-TOTAL_FORMS": "1", "entries-INITIAL_FORMS": "0",
        "entries-0-permission": view_customer().pk, "entries-0-granted": "on", "entries-0-scope": "branch"})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    created = RoleTemplate.objects.get(business_type="retail", key="assistant")
    entry = RoleTemplatePermission.objects.get(template=created)
    assert (entry.permission_id, entry.scope, entry.granted, entry.locked) == (view_customer().pk, "branch", True,
                                                                              False)
    event = audited("created", created).get()
    assert event.actor_id == hq_user.pk and event.changes["key"] == [None, "assistant"]
    assert event.metadata == {"business_type": "retail", "key": "assistant"}
    assert audited("permissions_changed", created).get().changes == {"entries": ["view_customer:branch:granted"]}


def test_editing_a_template_records_what_changed(hq_user):
    edited = template()
    client = hq_client()
    url = f"{LIST_URL}{edited.pk}/change/"
    response = client.post(url, change_form_data(client.get(url), name="Shop assistant", enabled_by_default=None))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    edited.refresh_from_db()
    assert (edited.name, edited.enabled_by_default) == ("Shop assistant", False)
    assert audited("changed", edited).get().changes == {"name": ["Assistant", "Shop assistant"],
                                                         "enabled_by_default": [True, False]}
    assert not audited("permissions_changed", edited).exists()  # the entries were not touched

    page = client.get(url)
    data = change_form_data(page, **{"entries-TOTAL_FORMS": "1", "entries-0-permission": str(view_customer().pk),
                                     "entries-0-granted": None, "entries-0-scope": "tenant",
                                     "entries-0-locked": "on"})
    assert client.post(url, data).status_code == 302
    entry = RoleTemplatePermission.objects.get(template=edited)
    assert (entry.granted, entry.locked) == (False, True)
    assert audited("permissions_changed", edited).get().changes == {"entries": ["view_customer:tenant:-:locked"]}


def test_deleting_a_template_from_its_page_is_audited(hq_user):
    deleted = template()
    pk = deleted.pk
    response = hq_client().post(f"{LIST_URL}{pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200 and any("deleted successfully" in text for text in texts(response))
    assert not RoleTemplate.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="roletemplate.deleted", target_id=str(pk))
    assert event.actor_id == hq_user.pk and event.metadata == {"business_type": "retail", "key": "assistant"}


def test_delete_selected_audits_each_template(hq_user):
    templates = [template("assistant"), template("cashier")]
    response = run_action(hq_client(), LIST_URL, "delete_selected", [t.pk for t in templates], post="yes")
    assert any("Successfully deleted 2" in text for text in texts(response))
    assert not RoleTemplate.objects.filter(pk__in=[t.pk for t in templates]).exists()
    events = AuditEvent.objects.filter(action="roletemplate.deleted")
    assert sorted(events.values_list("target_id", flat=True)) == sorted(str(t.pk) for t in templates)


def test_staff_who_may_only_look_cannot_change_templates(db):
    kept = template()
    client, _user = portal_user(SUPPORT)
    url = f"{LIST_URL}{kept.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"business_type": "retail", "key": "assistant", "name": "Hijacked", "position": "9",
                             **NO_ENTRIES}).status_code == 403
    assert client.post(f"{LIST_URL}{kept.pk}/delete/", {"post": "yes"}).status_code == 403
    kept.refresh_from_db()
    assert kept.name == "Assistant"
    assert not AuditEvent.objects.filter(action__startswith="roletemplate.").exists()
