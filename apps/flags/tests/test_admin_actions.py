"""Deleting feature flags in the ops portal, from a flag's page and with "delete selected":
through flags.services.flag_delete (one `flag.deleted` event per flag with its last state,
the evaluations forgotten), and not for HQ staff who may only look."""

from apps.accounts.hq import SUPPORT
from apps.audit.models import AuditEvent
from apps.flags.evaluation import flag_enabled
from apps.flags.models import Flag, FlagOverride, FlagRule
from tests.admin_pages import portal_user, run_action, texts
from tests.plugin import hq_client

LIST_URL = "/admin/flags/flag/"


def make_flag(key: str, tenant=None) -> Flag:
    flag = Flag.objects.create(key=key, description=f"{key} flag", default_enabled=False)
    FlagRule.objects.create(flag=flag, position=0, kind="tenant", values="alpha", enabled=True)
    if tenant is not None:
        FlagOverride.objects.create(flag=flag, tenant=tenant, enabled=True, reason="pilot")
    return flag


def test_deleting_a_flag_from_its_page_is_audited_with_its_last_state(tenant_alpha, hq_user,
                                                                      django_capture_on_commit_callbacks):
    flag = make_flag("kiosk", tenant=tenant_alpha)
    assert flag_enabled("kiosk", tenant=tenant_alpha)  # evaluated and cached
    client = hq_client()
    url = f"{LIST_URL}{flag.pk}/delete/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200 and any("deleted successfully" in text for text in texts(response))
    assert not Flag.objects.filter(pk=flag.pk).exists()
    assert not FlagRule.objects.filter(flag_id=flag.pk).exists()
    event = AuditEvent.objects.get(action="flag.deleted", target_id=str(flag.pk))
    assert event.actor_id == hq_user.pk
    assert event.changes["key"] == ["kiosk", None]
    assert event.changes["rules"] == [["0:tenant:alpha:None:on"], None]
    assert event.changes["overrides"] == [{"alpha": {"on": True, "reason": "pilot"}}, None]
    assert flag_enabled("kiosk", tenant=tenant_alpha) is False  # unknown flags are off


def test_delete_selected_goes_through_the_service_for_each_flag(tenant_alpha, hq_user):
    flags = [make_flag("kiosk"), make_flag("reports")]
    keep = make_flag("loyalty")
    client = hq_client()
    confirm = run_action(client, LIST_URL, "delete_selected", [f.pk for f in flags])
    assert confirm.status_code == 200 and "deletable_objects" in confirm.context  # the confirmation page
    assert Flag.objects.count() == 3  # nothing deleted before the confirmation
    response = run_action(client, LIST_URL, "delete_selected", [f.pk for f in flags], post="yes")
    assert response.status_code == 200 and any("Successfully deleted 2" in text for text in texts(response))
    assert list(Flag.objects.values_list("key", flat=True)) == [keep.key]
    events = AuditEvent.objects.filter(action="flag.deleted").order_by("target_id")
    assert sorted(e.changes["key"][0] for e in events) == ["kiosk", "reports"]
    assert {e.actor_id for e in events} == {hq_user.pk}


def test_staff_who_may_only_look_cannot_delete_flags(db):
    flag = make_flag("kiosk")
    client, _user = portal_user(SUPPORT)
    assert client.get(LIST_URL).status_code == 200
    assert client.post(f"{LIST_URL}{flag.pk}/delete/", {"post": "yes"}).status_code == 403
    run_action(client, LIST_URL, "delete_selected", [flag.pk], post="yes")
    assert Flag.objects.filter(pk=flag.pk).exists()
    assert not AuditEvent.objects.filter(action="flag.deleted").exists()
