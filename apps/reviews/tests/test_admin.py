"""Reviews in the tenant admin: the list (stars, customer, order, items, hidden, replied)
with its filters, a review's page with the reply form, hide (with a reason) and show
again as actions; all through the services (audited, ratings kept)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.reviews import services
from apps.reviews.models import ItemRating, Review
from tests.admin_pages import change_form_data, offered_actions, run_action, tenant_admin_client, texts

from .conftest import make_item, make_order

LIST = "/admin/reviews/review/"


@pytest.fixture
def reviews(db, tenant_alpha):
    from apps.crm.models import Customer

    with schema_context("alpha"):
        kim = Customer.objects.create(name="김민수")
        lee = Customer.objects.create(name="Lee Jiwoo")
    soup, tea = make_item("alpha", "Soup"), make_item("alpha", "Tea")
    first = make_order("alpha", kim, [soup, tea])
    second = make_order("alpha", lee, [soup])
    with schema_context("alpha"):
        good = services.review_create(order=first, customer=kim, rating=4, text="Lovely soup")
        bad = services.review_create(order=second, customer=lee, rating=1, text="Cold")
    connection.set_schema_to_public()
    return {"good": good, "bad": bad, "soup": soup, "first": first}


def _review(pk) -> Review:
    with schema_context("alpha"):
        return Review.objects.get(pk=pk)


def test_the_list_shows_ratings_customers_orders_and_items(reviews):
    client = tenant_admin_client("owner@alpha.test")
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "★★★★☆" in html and "★☆☆☆☆" in html and "김민수" in html
    assert f"#{reviews['first'].number}" in html and "Soup, Tea" in html
    for query, shown in [("?rating__exact=4", "김민수"), ("?is_hidden__exact=0", "Lee Jiwoo"),
                         ("?replied=no", "김민수"), ("?q=cold", "Lee Jiwoo")]:
        filtered = client.get(LIST + query)
        assert filtered.status_code == 200 and shown in filtered.content.decode(), query
    assert "김민수" not in client.get(LIST + "?q=cold").content.decode()
    assert "Lee Jiwoo" not in client.get(LIST + "?replied=yes").content.decode()
    assert set(offered_actions(response)) == {"hide_reviews", "unhide_reviews"}
    assert client.get(LIST + "add/").status_code == 403  # customers write reviews


def test_reply_from_the_review_page(reviews, owner_alpha):
    client = tenant_admin_client("owner@alpha.test")
    page = client.get(f"{LIST}{reviews['good'].pk}/change/")
    assert page.status_code == 200 and "Lovely soup" in page.content.decode()
    response = client.post(f"{LIST}{reviews['good'].pk}/change/", change_form_data(page, reply="Thank you!"))
    assert response.status_code == 302
    review = _review(reviews["good"].pk)
    assert review.reply == "Thank you!" and review.replied_by_id == owner_alpha.pk
    assert AuditEvent.objects.filter(action="review.replied", target_id=str(review.pk), actor=owner_alpha).exists()
    assert review.rating == 4 and review.text == "Lovely soup"  # only the reply is edited here


def test_hide_with_a_reason_and_show_again(reviews, owner_alpha):
    client = tenant_admin_client("owner@alpha.test")
    asked = run_action(client, LIST, "hide_reviews", [reviews["bad"].pk], follow=False)
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    assert not _review(reviews["bad"].pk).is_hidden
    no_reason = run_action(client, LIST, "hide_reviews", [reviews["bad"].pk], follow=False, apply="1", reason="")
    assert no_reason.status_code == 200 and not _review(reviews["bad"].pk).is_hidden
    done = run_action(client, LIST, "hide_reviews", [reviews["bad"].pk], apply="1", reason="Rude to staff")
    assert any("1 review hidden" in text for text in texts(done))
    hidden = _review(reviews["bad"].pk)
    assert hidden.is_hidden and hidden.hidden_reason == "Rude to staff" and hidden.hidden_by_id == owner_alpha.pk
    with schema_context("alpha"):
        assert ItemRating.objects.get(item=reviews["soup"]).count == 1
    assert "Rude to staff" in client.get(f"{LIST}{hidden.pk}/change/").content.decode()
    shown = run_action(client, LIST, "unhide_reviews", [reviews["bad"].pk, reviews["good"].pk])
    assert any("1 review shown again" in text for text in texts(shown))
    assert not _review(reviews["bad"].pk).is_hidden
    with schema_context("alpha"):
        assert ItemRating.objects.get(item=reviews["soup"]).count == 2
    assert list(AuditEvent.objects.filter(action__in=["review.hidden", "review.unhidden"])
                .order_by("seq").values_list("action", flat=True)) == ["review.hidden", "review.unhidden"]


def test_a_viewer_reads_without_changing(reviews):
    from django.contrib.auth.models import Permission

    from apps.rbac.models import Role, RolePermission
    from apps.rbac.services import role_assign
    from tests.workspace import make_staff

    user = make_staff("alpha", "review-reader@alpha.test", [])
    with schema_context("alpha"):
        role = Role.objects.create(key="review-reader", name="Review reader")
        for codename in ("access_admin", "view_review"):
            RolePermission.objects.create(role=role, permission=Permission.objects.get(codename=codename))
        role_assign(user=user, role=role)
    connection.set_schema_to_public()
    client = tenant_admin_client("review-reader@alpha.test")
    response = client.get(LIST)
    assert response.status_code == 200 and offered_actions(response) == []
    page = client.get(f"{LIST}{reviews['good'].pk}/change/")
    assert page.status_code == 200 and 'name="reply"' not in page.content.decode()
    refused = client.post(f"{LIST}{reviews['good'].pk}/change/", {"reply": "sneaky"})
    assert refused.status_code == 403 and _review(reviews["good"].pk).reply == ""


def test_pages_in_korean(reviews):
    client = tenant_admin_client("owner@alpha.test")
    with translation.override("ko"):
        client.cookies["django_language"] = "ko"
        html = client.get(LIST, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "리뷰" in html
    for english in ("Hide selected reviews", "Show selected reviews again", "Not replied yet"):
        assert english not in html, english
