"""Industry templates in the ops portal: an edit publishes a new version (the version
tenants were provisioned with stays as it was), audited; the business type is fixed once
a template exists; staff who may only look cannot publish."""

from django.db.models import Max

from apps.accounts.hq import SUPPORT
from apps.audit.models import AuditEvent
from apps.industry.models import IndustryTemplate
from tests.admin_pages import change_form_data, portal_user, texts
from tests.plugin import hq_client

ADD_URL = "/admin/industry/industrytemplate/add/"


def latest(business_type: str) -> int:
    return IndustryTemplate.objects.filter(business_type=business_type).aggregate(v=Max("version"))["v"] or 0


def template(business_type: str = "retail") -> IndustryTemplate:
    return IndustryTemplate.objects.create(business_type=business_type, version=latest(business_type) + 1,
                                           name="Retail basics", default_flags={"kiosk": False})


def test_adding_a_template_publishes_the_next_version(hq_user):
    before = latest("service")
    client = hq_client()
    data = change_form_data(client.get(ADD_URL), business_type="service", name="Salon", default_flags='{"kiosk": true}',
                            sample_catalog="[]", notification_templates="[]")
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    new = IndustryTemplate.objects.get(business_type="service", version=before + 1)
    assert (new.name, new.default_flags, new.created_by_id) == ("Salon", {"kiosk": True}, hq_user.pk)
    assert f"Published version {before + 1}; tenants provisioned from now on get it." in texts(response)
    event = AuditEvent.objects.get(action="industry_template.published", target_id=str(new.pk))
    assert event.metadata == {"business_type": "service", "version": before + 1}


def test_an_edit_publishes_a_new_version_and_keeps_the_old_one(hq_user):
    old = template()
    client = hq_client()
    url = f"/admin/industry/industrytemplate/{old.pk}/change/"
    page = client.get(url)
    assert "business_type" not in page.context["adminform"].form.fields  # read-only once it exists
    response = client.post(url, change_form_data(page, name="Retail 2", default_flags='{"kiosk": true}',
                                                 business_type="food"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    old.refresh_from_db()
    assert (old.name, old.default_flags) == ("Retail basics", {"kiosk": False})  # what earlier tenants got
    new = IndustryTemplate.objects.get(business_type="retail", version=old.version + 1)
    assert (new.name, new.default_flags, new.created_by_id) == ("Retail 2", {"kiosk": True}, hq_user.pk)
    assert not IndustryTemplate.objects.filter(business_type="food", name="Retail 2").exists()
    assert f"Published version {new.version}; tenants provisioned from now on get it." in texts(response)
    event = AuditEvent.objects.get(action="industry_template.published", target_id=str(new.pk))
    assert event.changes == {"default_flags": [{"kiosk": False}, {"kiosk": True}], "name": ["Retail basics",
                                                                                            "Retail 2"]}
    assert event.actor_id == hq_user.pk


def test_staff_who_may_only_look_cannot_publish(db):
    old = template()
    client, _user = portal_user(SUPPORT)
    url = f"/admin/industry/industrytemplate/{old.pk}/change/"
    assert client.get(url).status_code == 200  # view only
    assert client.post(url, {"name": "Hijacked", "default_flags": "{}", "sample_catalog": "[]",
                             "notification_templates": "[]"}).status_code == 403
    assert client.post(ADD_URL, {"business_type": "retail", "name": "x"}).status_code == 403
    assert latest("retail") == old.version
    assert not AuditEvent.objects.filter(action="industry_template.published").exists()
