"""The flow registry: the standard flow's table and labels (English and Korean), and a
business module's flow built on it with `extend` (a throwaway kitchen flow here)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import pgettext_lazy
from django_tenants.utils import schema_context

from apps.orders import flows, services
from apps.orders.errors import IllegalOrderTransition
from apps.orders.models import Order, OrderTransition

from .conftest import bibimbap_line


def test_the_standard_flow():
    standard = flows.flow_named("standard")
    assert standard.allowed("placed") == ["confirmed", "cancelled"]
    assert standard.allowed("confirmed") == ["completed", "cancelled"]
    assert standard.allowed("completed") == [] and standard.allowed("cancelled") == []
    assert standard.done == {"completed"}
    assert flows.flow_for_new(kind="order") is standard


def test_labels_in_english_and_korean():
    with translation.override("en"):
        assert [flows.status_label(code) for code in ("placed", "confirmed", "completed", "cancelled")] == [
            "Placed", "Confirmed", "Completed", "Cancelled"]
    with translation.override("ko"):
        assert [flows.status_label(code) for code in ("placed", "confirmed", "completed", "cancelled")] == [
            "접수됨", "확정됨", "완료됨", "취소됨"]
        with pytest.raises(IllegalOrderTransition) as raised:
            flows.flow_named("standard").machine.check("completed", "placed")
        assert str(raised.value.message) == "완료됨 상태의 주문은 접수됨 상태로 바꿀 수 없습니다."
    assert flows.status_label("some_new_state") == "Some new state"  # never a bare code


def test_a_flow_needs_labels_for_its_statuses():
    with pytest.raises(ImproperlyConfigured):
        flows.register_flow("unlabelled", flows.order_machine({"placed": {"limbo"}}), customer_cancellable=(),
                            done=(), labels={})
    assert "unlabelled" not in flows.FLOWS


@pytest.fixture
def kitchen_flow():
    """What a food module would register in its ready()."""
    flow = flows.flow_named("standard").extend(
        "test_kitchen", {"confirmed": {"preparing", "cancelled"}, "preparing": {"ready"}, "ready": {"completed"}},
        labels={"preparing": pgettext_lazy("order status", "Preparing"), "ready": "Ready for pickup"},
        customer_cancellable={"placed"})
    flows.flow_chooser_register(lambda kind: "test_kitchen" if kind == "order" else None)
    yield flow
    flows.FLOWS.pop("test_kitchen")
    flows._CHOOSERS.pop()


def test_a_module_extends_the_standard_flow(kitchen_flow, menu, owner_alpha):
    assert kitchen_flow.allowed("placed") == ["confirmed", "cancelled"]  # inherited
    assert kitchen_flow.allowed("confirmed") == ["cancelled", "preparing"]  # replaced: no straight completion
    assert kitchen_flow.statuses[:4] == ("placed", "confirmed", "completed", "cancelled")
    assert flows.status_label("ready") == "Ready for pickup"
    assert ("preparing", "Preparing") in flows.status_choices()
    assert flows.flow_for_new(kind="reservation").name == "standard"
    with schema_context("alpha"):
        order = services.order_create(customer=None, lines=[bibimbap_line(menu)], fulfilment="pickup",
                                      actor=owner_alpha)
        assert order.flow == "test_kitchen"
        with pytest.raises(IllegalOrderTransition):
            services.order_transition(order=order, to_status="completed", actor=owner_alpha)
        for status in ("confirmed", "preparing", "ready", "completed"):
            services.order_transition(order=order, to_status=status, actor=owner_alpha)
        assert Order.objects.get(pk=order.pk).status == "completed"
        assert OrderTransition.objects.filter(order=order).count() == 5
        from apps.orders.selectors import order_is_done

        assert order_is_done(order)
