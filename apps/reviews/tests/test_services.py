"""Review services: who may review what and when, one review per order (also when two
arrive at once), replies, hiding with a reason, and ratings that follow every change:
each item's, and the workspace's in the public directory."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.core.errors import PlatformError
from apps.directory.models import Listing
from apps.reviews import services
from apps.reviews.models import ItemRating, Review, ReviewItem
from apps.reviews.serializers import masked_name

from .conftest import make_item, make_order


@pytest.fixture
def shop(db, tenant_alpha):
    """Alpha with two customers, two items and completed orders."""
    from apps.crm.models import Customer

    with schema_context("alpha"):
        kim = Customer.objects.create(name="김민수")
        lee = Customer.objects.create(name="Lee Jiwoo")
    connection.set_schema_to_public()
    soup, tea = make_item("alpha", "Soup"), make_item("alpha", "Tea")
    return {"kim": kim, "lee": lee, "soup": soup, "tea": tea, "tenant": tenant_alpha}


def _in_alpha():
    from apps.tenants.models import Tenant

    connection.set_tenant(Tenant.objects.get(slug="alpha"))


def _rating(item) -> tuple:
    row = ItemRating.objects.filter(item=item).first()
    return (row.count, row.total, row.average) if row else (0, 0, None)


def _listing(tenant) -> tuple:
    listing = Listing.objects.get(tenant=tenant)
    return listing.rating_count, listing.rating_avg


def test_a_customer_reviews_their_completed_order(shop, owner_alpha):
    order = make_order("alpha", shop["kim"], [shop["soup"], shop["tea"], shop["soup"]])
    _in_alpha()
    review = services.review_create(order=order, customer=shop["kim"], rating=4, text="Good soup")
    assert review.pk and review.rating == 4 and not review.is_hidden
    # the order's items as they were, once each
    assert [(row.item_id, row.item_name) for row in review.items.all()] == [(shop["soup"].pk, "Soup"),
                                                                             (shop["tea"].pk, "Tea")]
    assert _rating(shop["soup"]) == (1, 4, Decimal("4.00")) and _rating(shop["tea"]) == (1, 4, Decimal("4.00"))
    event = AuditEvent.objects.get(action="review.created", target_id=str(review.pk))
    assert event.tenant_id == shop["tenant"].pk and event.changes["rating"] == [None, 4]
    assert event.metadata["items"] == ["Soup", "Tea"]
    assert _listing(shop["tenant"]) == (1, Decimal("4.00"))


def test_only_the_orders_customer_only_when_done_only_once(shop):
    placed = make_order("alpha", shop["kim"], [shop["soup"]], status="placed")
    done = make_order("alpha", shop["kim"], [shop["soup"]])
    _in_alpha()
    with pytest.raises(PlatformError) as refused:
        services.review_create(order=done, customer=shop["lee"], rating=5, text="")
    assert refused.value.code == "not_found" and refused.value.status == 404
    with pytest.raises(PlatformError) as refused:
        services.review_create(order=placed, customer=shop["kim"], rating=5, text="")
    assert refused.value.code == "review_order_not_done" and refused.value.details["status"] == "placed"
    first = services.review_create(order=done, customer=shop["kim"], rating=5, text="")
    with pytest.raises(PlatformError) as refused:
        services.review_create(order=done, customer=shop["kim"], rating=1, text="Changed my mind")
    assert refused.value.code == "review_exists" and refused.value.details["review"] == first.pk
    assert Review.objects.count() == 1 and _rating(shop["soup"]) == (1, 5, Decimal("5.00"))


@pytest.mark.parametrize("rating, text, field", [(0, "", "rating"), (6, "", "rating"), (5, "x" * 2001, "text")])
def test_bad_input_writes_nothing(shop, rating, text, field):
    order = make_order("alpha", shop["kim"], [shop["soup"]])
    _in_alpha()
    with pytest.raises(ValidationError) as refused:
        services.review_create(order=order, customer=shop["kim"], rating=rating, text=text)
    assert field in refused.value.message_dict
    assert not Review.objects.exists() and not AuditEvent.objects.filter(action="review.created").exists()


def test_the_database_refuses_a_rating_out_of_range(shop):
    from django.db import IntegrityError

    order = make_order("alpha", shop["kim"], [shop["soup"]])
    _in_alpha()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(order=order, customer=shop["kim"], rating=7)


def test_averages_follow_create_hide_and_unhide(shop, owner_alpha):
    first = make_order("alpha", shop["kim"], [shop["soup"], shop["tea"]])
    second = make_order("alpha", shop["lee"], [shop["soup"]])
    _in_alpha()
    good = services.review_create(order=first, customer=shop["kim"], rating=5, text="")
    bad = services.review_create(order=second, customer=shop["lee"], rating=2, text="Cold")
    assert _rating(shop["soup"]) == (2, 7, Decimal("3.50")) and _rating(shop["tea"]) == (1, 5, Decimal("5.00"))
    assert _listing(shop["tenant"]) == (2, Decimal("3.50"))

    services.review_hide(review=bad, actor=owner_alpha, reason="Insults a staff member")
    assert _rating(shop["soup"]) == (1, 5, Decimal("5.00")) and _listing(shop["tenant"]) == (1, Decimal("5.00"))
    hidden = Review.objects.get(pk=bad.pk)
    assert hidden.is_hidden and hidden.hidden_reason == "Insults a staff member"
    assert hidden.hidden_by_id == owner_alpha.pk and hidden.hidden_at
    event = AuditEvent.objects.get(action="review.hidden", target_id=str(bad.pk))
    assert event.actor_id == owner_alpha.pk and event.metadata["reason"] == "Insults a staff member"
    assert event.changes["is_hidden"] == [False, True]

    services.review_hide(review=good, actor=owner_alpha, reason="Test")
    assert _rating(shop["soup"]) == (0, 0, None) and _rating(shop["tea"]) == (0, 0, None)
    assert _listing(shop["tenant"]) == (0, None)

    services.review_unhide(review=bad, actor=owner_alpha)
    services.review_unhide(review=good, actor=owner_alpha)
    assert _rating(shop["soup"]) == (2, 7, Decimal("3.50")) and _listing(shop["tenant"]) == (2, Decimal("3.50"))
    shown = Review.objects.get(pk=bad.pk)
    assert not shown.is_hidden and shown.hidden_reason == "" and shown.hidden_by_id is None
    assert AuditEvent.objects.filter(action="review.unhidden").count() == 2


def test_hiding_needs_a_reason_and_states_are_checked(shop, owner_alpha):
    order = make_order("alpha", shop["kim"], [shop["soup"]])
    _in_alpha()
    review = services.review_create(order=order, customer=shop["kim"], rating=3, text="")
    for call, code in [(lambda: services.review_hide(review=review, actor=owner_alpha, reason="  "),
                        "reason_required"),
                       (lambda: services.review_unhide(review=review, actor=owner_alpha), "review_not_hidden")]:
        with pytest.raises(PlatformError) as refused:
            call()
        assert refused.value.code == code
    services.review_hide(review=review, actor=owner_alpha, reason="Spam")
    with pytest.raises(PlatformError) as refused:
        services.review_hide(review=review, actor=owner_alpha, reason="Spam again")
    assert refused.value.code == "review_already_hidden"
    assert AuditEvent.objects.filter(action="review.hidden").count() == 1


def test_reply_change_and_remove(shop, owner_alpha):
    order = make_order("alpha", shop["kim"], [shop["soup"]])
    _in_alpha()
    review = services.review_create(order=order, customer=shop["kim"], rating=5, text="")
    replied = services.review_reply(review=review, actor=owner_alpha, text=" Thank you! ")
    assert replied.reply == "Thank you!" and replied.replied_by_id == owner_alpha.pk and replied.replied_at
    services.review_reply(review=review, actor=owner_alpha, text="Thank you!")  # unchanged: nothing written
    assert AuditEvent.objects.filter(action="review.replied").count() == 1
    with pytest.raises(ValidationError):
        services.review_reply(review=review, actor=owner_alpha, text="x" * 1001)
    removed = services.review_reply(review=review, actor=owner_alpha, text="")
    assert removed.reply == "" and removed.replied_at is None and removed.replied_by_id is None
    events = list(AuditEvent.objects.filter(action="review.replied").order_by("seq"))
    assert [e.changes["reply"] for e in events] == [["", "Thank you!"], ["Thank you!", ""]]
    assert _rating(shop["soup"]) == (1, 5, Decimal("5.00"))  # replies do not touch ratings


def test_a_deleted_item_keeps_its_name_in_reviews(shop):
    order = make_order("alpha", shop["kim"], [shop["tea"]])
    _in_alpha()
    review = services.review_create(order=order, customer=shop["kim"], rating=4, text="")
    item_id = shop["tea"].pk
    shop["tea"].delete()
    row = ReviewItem.objects.get(review=review)
    assert row.item_id is None and row.item_name == "Tea"
    assert not ItemRating.objects.filter(item_id=item_id).exists()


@pytest.mark.parametrize("name, masked", [("김민수", "김*수"), ("이현", "이*"), ("남궁 민수", "남**수"),
                                          ("Minji Kim", "M*** K."), ("minji", "M***"), ("", "***")])
def test_public_names_are_masked(name, masked):
    assert masked_name(name) == masked


# --- Reviews written at the same moment (committed data, a connection per writer) ----------


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def race_shop(committed):
    """Committed in alpha: two customers, an item, a completed order of each; removed
    afterwards, and alpha's directory rating put back."""
    from apps.catalog.models import Item
    from apps.crm.models import Customer
    from apps.orders.models import Order, OrderLine
    from apps.tenants.models import Tenant

    tenant = Tenant.objects.get(slug="alpha")
    listing_before = Listing.objects.filter(tenant=tenant).values("pk", "rating_avg", "rating_count").first()
    with schema_context("alpha"):
        item = Item.objects.create(name="Race Item", price=1000)
        customers, orders = [], []
        for name in ("Race One", "Race Two"):
            customer = Customer.objects.create(name=name)
            # numbers far from those of the (rolled back) orders of other tests
            order = Order.objects.create(number=990000 + customer.pk, customer=customer, status="completed",
                                         total=1000)
            OrderLine.objects.create(order=order, item=item, item_name=item.name, item_kind=item.kind,
                                     unit_price=1000, quantity=1, line_total=1000)
            customers.append(customer)
            orders.append(order)
    connection.set_schema_to_public()
    yield {"tenant": tenant, "item": item, "customers": customers, "orders": orders}
    with schema_context("alpha"):
        Review.objects.filter(order__in=orders).delete()
        ItemRating.objects.filter(item=item).delete()
        for order in orders:
            order.delete()
        item.delete()
        for customer in customers:
            customer.delete()
    if listing_before is None:
        Listing.objects.filter(tenant=tenant).delete()
    else:
        Listing.objects.filter(pk=listing_before["pk"]).update(rating_avg=listing_before["rating_avg"],
                                                                rating_count=listing_before["rating_count"])


def _race(gate, writes) -> list:
    """Run `writes` in threads (each in alpha, on its own connection) while `gate()` holds
    a lock in this connection's transaction, until all wait on a lock; their outcomes."""
    outcomes: list = [None] * len(writes)
    start = threading.Barrier(len(writes))

    def run(index, write):
        start.wait()
        try:
            with schema_context("alpha"):
                outcomes[index] = write()
        except PlatformError as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, write), daemon=True) for i, write in enumerate(writes)]
    with schema_context("alpha"), transaction.atomic():
        gate()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while _waiting_on_locks() < len(writes) and time.monotonic() < deadline:
            time.sleep(0.05)
        waiting = _waiting_on_locks()
    for thread in threads:
        thread.join(timeout=60)
    assert waiting >= len(writes), f"only {waiting} writers reached the gate: move it to what the guard locks now"
    return outcomes


def test_two_reviews_of_one_order_at_once_make_one(race_shop):
    from apps.orders.models import Order

    order, customer = race_shop["orders"][0], race_shop["customers"][0]
    outcomes = _race(lambda: Order.objects.select_for_update().get(pk=order.pk),
                     [lambda: services.review_create(order=order, customer=customer, rating=5, text=""),
                      lambda: services.review_create(order=order, customer=customer, rating=1, text="")])
    written = [o for o in outcomes if isinstance(o, Review)]
    refused = [o for o in outcomes if isinstance(o, PlatformError)]
    assert len(written) == 1 and len(refused) == 1, outcomes
    assert refused[0].code == "review_exists"
    with schema_context("alpha"):
        assert Review.objects.filter(order=order).count() == 1
        rating = written[0].rating
        assert _rating(race_shop["item"]) == (1, rating, Decimal(rating).quantize(Decimal("0.01")))
    assert _listing(race_shop["tenant"]) == (1, Decimal(rating).quantize(Decimal("0.01")))


def test_ratings_count_reviews_written_at_the_same_moment(race_shop):
    """Two reviews of one item on two orders, recomputing at once: each recomputation
    sees the other's review once it is committed, so neither is lost from the average."""
    (one, two), (first, second) = race_shop["orders"], race_shop["customers"]

    def gate():
        with connection.cursor() as cursor:  # what ratings_refresh takes in turn
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["reviews.ratings:alpha"])

    outcomes = _race(gate, [lambda: services.review_create(order=one, customer=first, rating=5, text=""),
                            lambda: services.review_create(order=two, customer=second, rating=2, text="")])
    assert all(isinstance(o, Review) for o in outcomes), outcomes
    with schema_context("alpha"):
        assert _rating(race_shop["item"]) == (2, 7, Decimal("3.50"))
    assert _listing(race_shop["tenant"]) == (2, Decimal("3.50"))
