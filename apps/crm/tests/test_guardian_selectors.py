"""crm's read functions other apps use instead of its tables: live customers, a customer's
guardian contacts (who hear what concerns the customer), and the children a guardian's
e-mail links to."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.crm import selectors
from apps.crm.models import Customer
from tests.workspace import make_branch, make_customer


@pytest.fixture
def family(db):
    """Two children of one parent (the e-mail in different cases), a third child of
    someone else, and a soft-deleted child of the same parent."""
    branch = make_branch("alpha", "Seocho")
    first = make_customer("alpha", "First Kid", branch=branch)
    second = make_customer("alpha", "Second Kid")
    other = make_customer("alpha", "Other Kid")
    gone = make_customer("alpha", "Gone Kid", deleted_at=timezone.now())
    with schema_context("alpha"):
        guardians = {
            "mom_first": first.guardians.create(name="Mom", relation="mother", phone="010-1111-2222",
                                                email="Mom@Family.test"),
            "dad_first": first.guardians.create(name="Dad", relation="father", phone="010-1111-3333"),
            "mom_second": second.guardians.create(name="Mom", phone="010-1111-2222", email="mom@family.test"),
            "stranger": other.guardians.create(name="Stranger", phone="010-9999-0000", email="x@other.test"),
            "mom_gone": gone.guardians.create(name="Mom", phone="010-1111-2222", email="mom@family.test"),
        }
    return {"branch": branch, "first": first, "second": second, "other": other, "gone": gone, **guardians}


def test_customers_live_leaves_out_the_soft_deleted(family):
    with schema_context("alpha"):
        live = set(selectors.customers_live().values_list("pk", flat=True))
    assert live == {family["first"].pk, family["second"].pk, family["other"].pk}


def test_guardians_of_are_the_given_customers_contacts_oldest_first(family):
    with schema_context("alpha"):
        by_ids = list(selectors.guardians_of(customer_ids=[family["second"].pk, family["first"].pk]))
        by_queryset = list(selectors.guardians_of(
            customer_ids=Customer.objects.filter(pk=family["first"].pk).values("pk")))
        none = list(selectors.guardians_of(customer_ids=[]))
    assert by_ids == [family["mom_first"], family["dad_first"], family["mom_second"]]
    assert by_queryset == [family["mom_first"], family["dad_first"]]  # a blank e-mail still counts
    assert none == []


def test_children_of_a_guardian_email_case_insensitive_live_once_each(family, django_assert_num_queries):
    with schema_context("alpha"):
        with django_assert_num_queries(1):  # the branch comes with the child
            children = list(selectors.customers_guarded_by_email(email="MOM@family.TEST").order_by("pk"))
            branches = [child.branch for child in children]
        stranger = list(selectors.customers_guarded_by_email(email="x@other.test"))
        nobody = list(selectors.customers_guarded_by_email(email="nobody@family.test"))
    assert children == [family["first"], family["second"]]  # not the deleted child, not the other family's
    assert branches == [family["branch"], None]
    assert stranger == [family["other"]]
    assert nobody == []


def test_a_blank_email_is_nobody_s_guardian(family):
    """The father's contact has no e-mail: a blank address must not make anyone his child."""
    with schema_context("alpha"):
        assert list(selectors.customers_guarded_by_email(email="")) == []


def test_guardians_prefetch_loads_each_customers_contacts_in_one_query(family, django_assert_num_queries):
    with schema_context("alpha"):
        with django_assert_num_queries(2):
            customers = list(selectors.customers_live().filter(pk__in=[family["first"].pk, family["other"].pk])
                             .prefetch_related(selectors.guardians_prefetch()).order_by("pk"))
            contacts = [list(customer.guardians.all()) for customer in customers]
    assert contacts == [[family["mom_first"], family["dad_first"]], [family["stranger"]]]
