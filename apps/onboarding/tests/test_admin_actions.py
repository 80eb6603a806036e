"""The onboarding checklist template in the ops portal: items added, edited (on their page
and in the list) and deleted (one by one or selected) through the onboarding services,
audited, and what new onboardings then start with; read-only for staff who may only look."""

from apps.accounts.hq import SUPPORT
from apps.audit.models import AuditEvent
from apps.onboarding.models import ChecklistItem, ChecklistTemplateItem
from apps.onboarding.services import onboarding_open
from apps.tenants.services import tenant_create
from tests.admin_pages import change_form_data, formset_data, portal_user, run_action, texts
from tests.plugin import hq_client

LIST_URL = "/admin/onboarding/checklisttemplateitem/"
ITEM = {"key": "contract-signed", "title": "Contract signed", "title_ko": "계약 체결", "sort_order": "90"}


def item(key: str, title: str | None = None) -> ChecklistTemplateItem:
    return ChecklistTemplateItem.objects.create(key=key, title=title or key.title(), sort_order=95)


def test_hq_admin_adds_an_item_that_new_onboardings_get(hq_user):
    response = hq_client().post(f"{LIST_URL}add/", {**ITEM, "is_active": "on"})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    added = ChecklistTemplateItem.objects.get(key="contract-signed")
    assert (added.title_ko, added.sort_order, added.is_active) == ("계약 체결", 90, True)
    event = AuditEvent.objects.get(action="onboarding.template_changed", target_id=str(added.pk))
    assert event.actor_id == hq_user.pk and event.metadata["title"] == "Contract signed"
    assert {"key", "title", "title_ko", "sort_order"} <= set(event.metadata["fields"])

    tenant = tenant_create(slug="gamma", name="Gamma", business_type="retail", owner_email="o@gamma.test")
    onboarding_open(tenant=tenant)
    assert ChecklistItem.objects.get(tenant=tenant, key="contract-signed").title == "Contract signed"


def test_edits_on_the_page_and_in_the_list_are_audited_with_their_fields(hq_user):
    edited = item("bank-account")
    client = hq_client()
    url = f"{LIST_URL}{edited.pk}/change/"
    response = client.post(url, change_form_data(client.get(url), title="Bank account checked"))
    assert response.status_code == 302
    edited.refresh_from_db()
    assert edited.title == "Bank account checked"
    event = AuditEvent.objects.get(action="onboarding.template_changed", target_id=str(edited.pk))
    assert event.metadata == {"fields": ["title"], "title": "Bank account checked"}

    listing = client.get(LIST_URL)
    data = formset_data(listing.context["cl"].formset)
    row = next(key.rsplit("-", 1)[0] for key, value in data.items() if key.endswith("-id") and value == str(edited.pk))
    data.update({f"{row}-sort_order": "3", f"{row}-after_activation": "on", "_save": "Save"})
    response = client.post(LIST_URL, data)
    assert response.status_code == 302, response.context and response.context["cl"].formset.errors
    edited.refresh_from_db()
    assert (edited.sort_order, edited.after_activation) == (3, True)
    events = AuditEvent.objects.filter(action="onboarding.template_changed", target_id=str(edited.pk))
    assert sorted(events.latest("seq").metadata["fields"]) == ["after_activation", "sort_order"]
    assert events.count() == 2  # the untouched rows of the list wrote nothing


def test_deleting_items_goes_through_the_service(hq_user):
    one, two, three = item("kyc"), item("tax-id"), item("welcome-call")
    client = hq_client()
    response = client.post(f"{LIST_URL}{one.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200 and any("deleted successfully" in text for text in texts(response))
    response = run_action(client, LIST_URL, "delete_selected", [two.pk, three.pk], post="yes")
    assert any("Successfully deleted 2" in text for text in texts(response))
    assert not ChecklistTemplateItem.objects.filter(pk__in=[one.pk, two.pk, three.pk]).exists()
    events = AuditEvent.objects.filter(action="onboarding.template_item_deleted")
    assert sorted(e.metadata["key"] for e in events) == ["kyc", "tax-id", "welcome-call"]
    assert {e.actor_id for e in events} == {hq_user.pk}


def test_staff_who_may_only_look_cannot_change_the_template(db):
    kept = item("kyc")
    client, _user = portal_user(SUPPORT)
    assert client.get(LIST_URL).status_code == 200
    assert client.post(f"{LIST_URL}add/", ITEM).status_code == 403
    assert client.post(f"{LIST_URL}{kept.pk}/delete/", {"post": "yes"}).status_code == 403
    run_action(client, LIST_URL, "delete_selected", [kept.pk], post="yes")
    assert ChecklistTemplateItem.objects.filter(pk=kept.pk).exists()
    assert not ChecklistTemplateItem.objects.filter(key="contract-signed").exists()
    assert not AuditEvent.objects.filter(action__startswith="onboarding.template").exists()
