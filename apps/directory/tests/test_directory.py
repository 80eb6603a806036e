"""The directory: a workspace opts in and describes itself (tenant API); anyone lists
and reads listed, active businesses on the public host, with labels in their language,
ordered by rating or recent orders in a fixed number of queries; tenant services keep the
listing current (orders per day, rating, the branch snapshot by beat)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.directory import services
from apps.directory.models import Listing, ListingDailyOrders
from apps.tenants.models import Tenant
from tests.plugin import client_for
from tests.workspace import api, make_branch, make_staff

JSON = "application/json"
HOURS = {"mon": ["09:00-18:00"], "sat": ["10:00-14:00"]}


def public(path, language="en", **params):
    return client_for(None).get(path, params, HTTP_ACCEPT_LANGUAGE=language)


@pytest.fixture
def owner(db):
    return api("alpha", "owner@alpha.test")


@pytest.fixture
def listed_alpha(owner):
    make_branch("alpha", "Gangnam")
    with schema_context("alpha"):
        from apps.branches.models import Branch

        Branch.objects.filter(name="Gangnam").update(address="서울 강남구 테헤란로 1", opening_hours=HOURS)
        Branch.objects.create(name="Closed campus", is_active=False)
    connection.set_schema_to_public()
    response = owner.patch("/api/v1/listing/", {
        "is_listed": True, "headline": "서울의 수학 학원", "description": "초등부터 고등까지",
        "translations": {"en": {"headline": "A maths academy in Seoul", "description": "From primary to high school"}},
        "city": "Seoul"}, content_type=JSON)
    assert response.status_code == 200, response.content
    return response.json()


def make_listing(number, **extra):
    tenant = Tenant.objects.create(schema_name=f"dir_{number}", slug=f"dir-{number}", name=f"Directory {number:02}",
                                   business_type=extra.pop("business_type", "food"), status=Tenant.Status.ACTIVE,
                                   owner_email=f"owner@dir-{number}.test")
    return Listing.objects.create(tenant=tenant, slug=tenant.slug, name=tenant.name,
                                  business_type=tenant.business_type, **{"is_listed": True, **extra})


# --- The workspace's own listing --------------------------------------------------------------


def test_unlisted_until_the_workspace_opts_in(owner, tenant_alpha):
    listing = owner.get("/api/v1/listing/").json()
    assert listing["is_listed"] is False and listing["name"] == "Alpha Academy" and listing["slug"] == "alpha"
    assert not Listing.objects.filter(tenant=tenant_alpha).exists()  # reading wrote nothing
    assert public("/api/v1/directory/").json()["count"] == 0
    assert public("/api/v1/directory/alpha/").status_code == 404


def test_the_workspace_opts_in_with_its_branches(listed_alpha, tenant_alpha):
    assert listed_alpha["is_listed"] is True and listed_alpha["city"] == "Seoul"
    assert listed_alpha["headline"] == "서울의 수학 학원"  # its own words, as written
    assert listed_alpha["translations"]["en"]["headline"] == "A maths academy in Seoul"
    assert [b["name"] for b in listed_alpha["branches"]] == ["Gangnam"]  # active branches only
    assert listed_alpha["synced_at"]
    event = AuditEvent.objects.get(action="directory.listing_updated", tenant=tenant_alpha)
    assert event.changes["is_listed"] == [False, True]
    assert public("/api/v1/directory/").json()["count"] == 1


def test_opting_out_hides_it(listed_alpha, owner):
    assert owner.patch("/api/v1/listing/", {"is_listed": False}, content_type=JSON).status_code == 200
    assert public("/api/v1/directory/").json()["count"] == 0
    assert public("/api/v1/directory/alpha/").status_code == 404


@pytest.mark.parametrize("body", [
    {"translations": {"fr": {"headline": "Bonjour"}}}, {"translations": ["en"]},
    {"translations": {"en": {"name": "x"}}}, {"translations": {"en": "just text"}},
    {"headline": "x" * 201}, {"is_listed": "perhaps"}, {"city": 7},
])
def test_listing_bad_input(owner, body, tenant_alpha):
    response = owner.patch("/api/v1/listing/", body, content_type=JSON)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "validation_error"
    assert not Listing.objects.filter(tenant=tenant_alpha, is_listed=True).exists()


def test_staff_without_settings_change_cannot_list_the_workspace(db):
    make_staff("alpha", "teacher@dir.test", ["teacher"])
    response = api("alpha", "teacher@dir.test").patch("/api/v1/listing/", {"is_listed": True}, content_type=JSON)
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


# --- The public directory -------------------------------------------------------------------


def test_profile_in_the_readers_language(listed_alpha):
    english = public("/api/v1/directory/alpha/").json()
    assert english["headline"] == "A maths academy in Seoul" and english["description"] == "From primary to high school"
    assert english["business_type"] == "academy" and english["business_type_label"] == "Academy"
    [branch] = english["branches"]
    assert branch["address"] == "서울 강남구 테헤란로 1" and branch["timezone"] == "Asia/Seoul"
    days = {d["day"]: d for d in branch["opening_hours"]}
    assert list(days) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert days["mon"] == {"day": "mon", "label": "Monday", "hours": ["09:00-18:00"]} and days["tue"]["hours"] == []
    assert english["url"].startswith("http://alpha.localhost") and english["url"].endswith("/")
    korean = public("/api/v1/directory/alpha/", language="ko").json()
    assert korean["headline"] == "서울의 수학 학원" and korean["description"] == "초등부터 고등까지"
    assert korean["business_type_label"] == "학원"
    assert korean["branches"][0]["opening_hours"][0]["label"] == "월요일"


def test_only_active_tenants(listed_alpha, tenant_alpha):
    Tenant.objects.filter(pk=tenant_alpha.pk).update(status=Tenant.Status.SUSPENDED)
    assert public("/api/v1/directory/").json()["count"] == 0
    response = public("/api/v1/directory/alpha/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_filters_search_and_ordering(db):
    today = timezone.now().date()
    first = make_listing(1, city="Busan", rating_avg=Decimal("4.20"), rating_count=10, headline="Noodles")
    second = make_listing(2, business_type="academy", rating_avg=Decimal("4.90"), rating_count=3,
                          translations={"en": {"description": "Piano lessons"}})
    third = make_listing(3, description="Dumplings and soup")
    make_listing(4, is_listed=False)
    ListingDailyOrders.objects.create(listing=first, day=today, count=5)
    ListingDailyOrders.objects.create(listing=first, day=today - dt.timedelta(days=29), count=2)
    ListingDailyOrders.objects.create(listing=second, day=today - dt.timedelta(days=30), count=100)  # too old
    ListingDailyOrders.objects.create(listing=third, day=today - dt.timedelta(days=3), count=9)

    def slugs(**params):
        response = public("/api/v1/directory/", **params)
        assert response.status_code == 200, response.content
        return [row["slug"] for row in response.json()["results"]]

    assert slugs() == ["dir-1", "dir-2", "dir-3"]
    assert slugs(category="academy") == ["dir-2"]
    assert slugs(q="busan") == ["dir-1"] and slugs(q="dumpling") == ["dir-3"] and slugs(q="piano") == ["dir-2"]
    assert slugs(q="noodles") == ["dir-1"] and slugs(q="nothing like it") == []
    assert slugs(ordering="-rating") == ["dir-2", "dir-1", "dir-3"]  # unrated last
    assert slugs(ordering="rating") == ["dir-1", "dir-2", "dir-3"]
    assert slugs(ordering="-orders") == ["dir-3", "dir-1", "dir-2"]
    assert slugs(ordering="orders") == ["dir-2", "dir-1", "dir-3"]
    rows = {row["slug"]: row for row in public("/api/v1/directory/").json()["results"]}
    assert (rows["dir-1"]["orders_30d"], rows["dir-2"]["orders_30d"], rows["dir-3"]["orders_30d"]) == (7, 0, 9)
    assert rows["dir-1"]["rating_avg"] == "4.20" and rows["dir-3"]["rating_avg"] is None
    assert rows["dir-1"]["business_type_label"] == "Food service"
    korean = public("/api/v1/directory/", language="ko").json()["results"]
    assert korean[0]["business_type_label"] == "외식업"


@pytest.mark.parametrize(("params", "field"), [({"ordering": "popularity"}, "ordering"),
                                               ({"category": "platform"}, "category"),
                                               ({"category": "bakery"}, "category"),
                                               ({"q": "x" * 101}, "q")])
def test_bad_query(db, params, field):
    response = public("/api/v1/directory/", **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["details"]


def test_unknown_business_and_page(db):
    response = public("/api/v1/directory/no-such-place/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert public("/api/v1/directory/", page=99).status_code == 404


def test_nobody_writes_to_the_directory(db):
    response = client_for(None).post("/api/v1/directory/", {}, content_type=JSON)
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def test_the_directory_is_not_served_on_workspace_hosts(db):
    assert client_for("alpha").get("/api/v1/directory/").status_code == 404


@pytest.mark.parametrize("ordering", ["name", "-rating", "-orders"])
def test_queries_do_not_grow_with_the_number_of_businesses(db, ordering):
    def queries():
        public("/api/v1/directory/")  # routing and rate-limit state warm, as in the steady state
        with CaptureQueriesContext(connection) as captured:
            response = public("/api/v1/directory/", ordering=ordering, page_size=100)
            assert response.status_code == 200
        return len(captured), response.json()["count"]

    for number in range(3):
        listing = make_listing(number + 10)
        ListingDailyOrders.objects.create(listing=listing, day=timezone.now().date(), count=number)
    few = queries()
    for number in range(27):
        listing = make_listing(number + 20, rating_avg=Decimal("3.5"), rating_count=2)
        ListingDailyOrders.objects.create(listing=listing, day=timezone.now().date(), count=number)
    many = queries()
    assert (few[1], many[1]) == (3, 30)
    assert few[0] == many[0] == 2  # the count and the page


# --- Kept current by the tenants' services --------------------------------------------------


def test_orders_are_counted_per_day(tenant_beta):
    today = dt.date(2026, 3, 2)
    for _order in range(3):
        services.listing_record_order(tenant=tenant_beta, day=today)
    with schema_context("beta"):  # called from tenant code: the public table all the same
        services.listing_record_order(tenant=tenant_beta, day=today + dt.timedelta(days=1))
    connection.set_schema_to_public()
    rows = dict(ListingDailyOrders.objects.filter(listing__tenant=tenant_beta).values_list("day", "count"))
    assert rows == {today: 3, today + dt.timedelta(days=1): 1}
    assert Listing.objects.get(tenant=tenant_beta).is_listed is False  # counting does not list anyone


def test_rating(tenant_beta):
    listing = services.listing_set_rating(tenant=tenant_beta, avg=Decimal("4.666"), count=3)
    assert listing.rating_avg == Decimal("4.67")
    assert Listing.objects.get(tenant=tenant_beta).rating_count == 3
    services.listing_set_rating(tenant=tenant_beta, avg=None, count=0)
    assert Listing.objects.get(tenant=tenant_beta).rating_avg is None


def test_the_platform_has_no_listing(db):
    with pytest.raises(ValueError):
        services.listing_sync(tenant=Tenant.objects.get(schema_name="public"))


def test_beat_resyncs_listed_businesses(listed_alpha, tenant_alpha, tenant_beta):
    from apps.directory.tasks import sync_listings
    from platform_.celery import collect_beat_schedule

    assert collect_beat_schedule()["directory.sync_listings"]["task"] == sync_listings.name
    services.listing_set_rating(tenant=tenant_beta, avg=4, count=1)  # beta has a listing, unlisted
    with schema_context("alpha"):
        from apps.branches.models import Branch

        Branch.objects.filter(name="Gangnam").update(opening_hours={"sun": ["12:00-13:00"]})
        Branch.objects.create(name="Mapo", address="서울 마포구")
    with schema_context("beta"):
        from apps.workspace.services import workspace_settings_update

        workspace_settings_update(actor=None, display_name="Beta Renamed")
    connection.set_schema_to_public()
    result = sync_listings.apply().get()
    assert result == {"synced": ["alpha"], "failed": []}
    listing = Listing.objects.get(tenant=tenant_alpha)
    assert [b["name"] for b in listing.branches] == ["Gangnam", "Mapo"]
    assert listing.branches[0]["opening_hours"] == {"sun": ["12:00-13:00"]}
    assert Listing.objects.get(tenant=tenant_beta).name == "Beta Bistro"  # unlisted: not synced
    updated_at = listing.updated_at
    sync_listings.apply().get()  # idempotent
    again = Listing.objects.get(tenant=tenant_alpha)
    assert again.branches == listing.branches and again.updated_at == updated_at


def test_the_listing_takes_the_workspace_display_name(owner, tenant_alpha):
    owner.patch("/api/v1/settings/", {"display_name": "Alpha Maths"}, content_type=JSON)
    assert owner.patch("/api/v1/listing/", {"is_listed": True}, content_type=JSON).json()["name"] == "Alpha Maths"


def test_concurrent_orders_are_all_counted(committed):
    """Ten orders at once, each its own connection: the upsert counts every one."""
    import threading

    from django.db import connections

    beta = Tenant.objects.get(slug="beta")
    day = dt.date(2026, 3, 3)
    start = threading.Barrier(10)
    errors = []

    def order():
        try:
            start.wait()
            services.listing_record_order(tenant=beta, day=day)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=order) for _ in range(10)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors
        assert ListingDailyOrders.objects.get(listing__tenant=beta, day=day).count == 10
        assert Listing.objects.filter(tenant=beta).count() == 1
    finally:
        Listing.objects.filter(tenant=beta).delete()
