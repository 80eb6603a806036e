"""Ops portal user admin: only superusers and HQ masters grant HQ access (is_staff,
is_superuser, groups), and nobody changes their own."""

from django.contrib.auth.models import Group

from apps.accounts.hq import HQ_ADMIN, HQ_MASTER, SUPPORT
from apps.accounts.models import User
from tests.plugin import hq_client

NO_MEMBERSHIPS = {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
                  "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}


def change(client, user, *, groups, full_name="", **flags):
    data = {"email": user.email, "full_name": full_name or user.full_name or "Someone", "language": user.language or "en",
            "is_active": "on", "groups": [g.pk for g in groups], "failed_login_count": "0",
            "locked_until_0": "", "locked_until_1": "",
            **NO_MEMBERSHIPS,
            **{flag: "on" for flag, on in flags.items() if on}}
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    return User.objects.get(pk=user.pk)


def test_hq_admin_cannot_grant_privileges_to_itself_or_others(hq_user):
    master = Group.objects.get(name=HQ_MASTER)
    other = User.objects.create_user("support@platform.test", "Xx-pass-2026!!", is_staff=True)
    other.groups.add(Group.objects.get(name=SUPPORT))
    client = hq_client()  # hq_user is HQ_ADMIN: holds accounts.change_user, not auth.change_group
    page = client.get(f"/admin/accounts/user/{hq_user.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page

    me = change(client, hq_user, groups=[master], is_staff=True, is_superuser=True, full_name="HQ Renamed")
    assert not me.is_superuser and me.is_staff and list(me.groups.values_list("name", flat=True)) == [HQ_ADMIN]
    assert me.full_name == "HQ Renamed"  # the rest of the form still works

    them = change(client, other, groups=[master], is_staff=True, is_superuser=True)
    assert not them.is_superuser and list(them.groups.values_list("name", flat=True)) == [SUPPORT]


def test_hq_admin_cannot_create_staff_users(hq_user):
    client = hq_client()
    response = client.post("/admin/accounts/user/add/", {
        "email": "new@platform.test", "usable_password": "false", "is_staff": "on", "is_superuser": "on",
        "groups": [Group.objects.get(name=HQ_MASTER).pk], **NO_MEMBERSHIPS})
    assert response.status_code == 302, response.content[:2000]
    new = User.objects.get(email="new@platform.test")
    assert not new.is_staff and not new.is_superuser and not new.groups.exists()


def test_hq_master_grants_privileges_to_others_but_not_to_itself(hq_user):
    hq_user.groups.add(Group.objects.get(name=HQ_MASTER))
    other = User.objects.create_user("support@platform.test", "Xx-pass-2026!!", is_staff=True)
    client = hq_client()
    page = client.get(f"/admin/accounts/user/{hq_user.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    me = change(client, hq_user, groups=[], is_staff=True, is_superuser=True)
    assert not me.is_superuser and me.groups.count() == 2

    them = change(client, other, groups=[Group.objects.get(name=HQ_ADMIN)], is_staff=True)
    assert them.is_staff and list(them.groups.values_list("name", flat=True)) == [HQ_ADMIN]
