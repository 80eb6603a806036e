"""The customer list answers in one query whatever the page size, for every kind of caller:
authentication and the caller's access come from the cache (apps.accounts.selectors,
apps.rbac.selectors, apps.apikeys.services), the branch, tags and guardians come with the
customers' rows (apps.crm.selectors.customer_rows), per-object grants are part of the same
query. Counts are of the steady state: the request after the one that filled the caches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.crm.models import Customer, Tag
from tests.plugin import client_for, obtain_tokens
from tests.workspace import api_key_client, make_branch, make_staff


@pytest.fixture
def callers(db, django_capture_on_commit_callbacks):
    """20 customers at one branch, each with a tag and a guardian; the owner, a teacher
    limited to that branch (customer:view at branch scope) and an API key. Set up as a
    real commit would leave it (the caches' versions bumped), so that the requests below
    read the cache instead of bypassing it."""
    with django_capture_on_commit_callbacks(execute=True):
        branch = make_branch("alpha", "Query Count")
        with schema_context("alpha"):
            tag = Tag.objects.create(name="query-count")
            for n in range(20):
                customer = Customer.objects.create(name=f"Counted {n:02d}", branch=branch)
                customer.tags.add(tag)
                customer.guardians.create(name=f"Parent {n}", relation="mother", phone=f"010-5555-{n:04d}")
        connection.set_schema_to_public()
        make_staff("alpha", "teacher-count@alpha.test", ["teacher"], [branch])
        key_client, _key = api_key_client("alpha", ["customer:view"])
        tokens = {email: obtain_tokens("alpha", email)["access"]
                  for email in ("owner@alpha.test", "teacher-count@alpha.test")}
    return {"owner": client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {tokens['owner@alpha.test']}"),
            "teacher": client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {tokens['teacher-count@alpha.test']}"),
            "api key": key_client}


def page(client, size: int) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/customers/?page_size={size}&search=Counted")
    assert response.status_code == 200, response.content
    return response.json(), [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("who", ["owner", "teacher", "api key"])
def test_the_list_is_one_query_for_5_or_20_rows(callers, who):
    client = callers[who]
    page(client, 5)  # fills the caches (and writes the key's last use)
    small, small_queries = page(client, 5)
    full, full_queries = page(client, 20)
    assert len(small["results"]) == 5 and len(full["results"]) == 20
    assert len(small_queries) == len(full_queries) == 1, full_queries
    first = full["results"][-1]
    assert first["name"] == "Counted 00" and first["branch_name"] == "Query Count"
    assert first["tags"] == ["query-count"]
    assert first["guardians"] == [{"name": "Parent 0", "relation": "mother", "phone": "+821055550000", "email": ""}]


def test_per_object_grants_reach_the_list_in_the_same_query(callers, django_capture_on_commit_callbacks):
    """A customer outside the teacher's branch, granted to them per object (django-guardian):
    listed at once (such grants are read with the list, never cached), still in one query."""
    from apps.accounts.models import User
    from apps.rbac.services import object_grant

    with django_capture_on_commit_callbacks(execute=True), schema_context("alpha"):
        elsewhere = Customer.objects.create(name="Counted elsewhere", branch=None)
    connection.set_schema_to_public()
    teacher = callers["teacher"]
    before, _queries = page(teacher, 50)
    assert "Counted elsewhere" not in [row["name"] for row in before["results"]]
    with django_capture_on_commit_callbacks(execute=True), schema_context("alpha"):
        object_grant(user=User.objects.get(email="teacher-count@alpha.test"), perm="crm.view_customer",
                     obj=elsewhere, actor=None)
    connection.set_schema_to_public()
    after, queries = page(teacher, 50)
    assert "Counted elsewhere" in [row["name"] for row in after["results"]]
    assert len(after["results"]) == 21 and len(queries) == 1, queries


def test_a_row_carries_its_tags_by_name_and_its_guardians_oldest_first(callers):
    with schema_context("alpha"):
        customer = Customer.objects.create(name="Counted 99 Ordered")
        customer.tags.add(Tag.objects.create(name="zeta"), Tag.objects.create(name="alpha-tag"))
        for name in ("Second", "First"):
            customer.guardians.create(name=name, relation="", phone="010-5555-9999", email=f"{name}@x.test")
    connection.set_schema_to_public()
    body = callers["owner"].get("/api/v1/customers/?search=Ordered").json()
    row, = body["results"]
    assert row["tags"] == ["alpha-tag", "zeta"]
    assert [g["name"] for g in row["guardians"]] == ["Second", "First"]
    assert row["guardians"][0] == {"name": "Second", "relation": "", "phone": "+821055559999",
                                   "email": "Second@x.test"}


@pytest.mark.parametrize("zone", ["UTC", "Asia/Seoul"])
def test_the_written_out_rows_are_what_drf_makes_of_the_fields(db, zone):
    """CustomerOutput writes its rows out by hand for speed: each must stay what DRF's
    fields give (a field added to the serializer and not to the hand-written answer, or a
    value written differently, fails here), in UTC and in a workspace's own zone."""
    from datetime import date

    from django.utils import timezone
    from rest_framework import serializers as drf

    from apps.accounts.models import User
    from apps.crm.selectors import customer_rows
    from apps.crm.serializers import CustomerOutput
    from apps.rbac.selectors import access_for

    branch = make_branch("alpha", "Gangnam")
    with schema_context("alpha"):
        full = Customer.objects.create(name="김민지", branch=branch, phone="010-1234-5678", email="minji@x.test",
                                       birth_date=date(2013, 4, 2), marketing_consent=True,
                                       marketing_consent_at=timezone.now(), notes="저녁 수업")
        full.tags.add(Tag.objects.create(name="vip"), Tag.objects.create(name="English"))
        full.guardians.create(name="Kim Jisoo", relation="mother", phone="010-9876-5432", email="jisoo@x.test")
        full.guardians.create(name="Kim Jun", relation="", phone="+14155550123")
        Customer.objects.create(name="Walk-in")  # no branch, phone, birth date, tags or guardians
        access = access_for(user=User.objects.get(email="owner@alpha.test"))
        with timezone.override(zone):
            rows = list(customer_rows(access=access).order_by("id"))
            fast = CustomerOutput(rows, many=True).data
            assert fast == [drf.ModelSerializer.to_representation(CustomerOutput(), row) for row in rows]
    assert [set(row) for row in fast] == [set(CustomerOutput().fields)] * 2
    assert fast[0]["guardians"][0]["phone"] == "+821098765432" and fast[0]["tags"] == ["English", "vip"]
    assert fast[0]["created_at"].endswith("Z" if zone == "UTC" else "+09:00")
