"""The kitchen board's and the rider page's payload (apps.food.board.board_payload, a
plain dict) as the schema documents it, and the answer to a step."""

from __future__ import annotations

from rest_framework import serializers

from apps.payments.serializers import OrderPositionOutput


class LineOptionRow(serializers.Serializer):
    group = serializers.CharField()
    name = serializers.CharField()


class LineRow(serializers.Serializer):
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    options = LineOptionRow(many=True)


class DeliveryRow(serializers.Serializer):
    address = serializers.CharField()
    memo = serializers.CharField()


class AmountRow(serializers.Serializer):
    amount = serializers.IntegerField()
    currency = serializers.CharField()


class StepRow(serializers.Serializer):
    to = serializers.CharField()
    label = serializers.CharField()
    reason_required = serializers.BooleanField()


def _moment():
    return serializers.DateTimeField(allow_null=True)


class TicketRowOutput(serializers.Serializer):
    """One order on the board: what the kitchen cooks, for whom, the times behind the
    timers, and the steps the viewer may take (`cancel`: may cancel it with a reason)."""

    order = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    fulfilment = serializers.CharField()
    fulfilment_label = serializers.CharField()
    branch = serializers.IntegerField()
    customer = serializers.CharField()
    notes = serializers.CharField()
    delivery = DeliveryRow(allow_null=True)
    lines = LineRow(many=True)
    total = AmountRow()
    payment_status = serializers.CharField()
    released_at = _moment()
    accept_by = _moment()
    accepted_at = _moment()
    ready_by = _moment()
    cooking_at = _moment()
    ready_at = _moment()
    out_at = _moment()
    delivered_by = _moment()
    rider = serializers.CharField()
    steps = StepRow(many=True)
    cancel = serializers.BooleanField()


class BoardBranchRow(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    paused = serializers.BooleanField()
    pause_reason = serializers.CharField()
    pause_reason_label = serializers.CharField()


class ColumnRow(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    tickets = TicketRowOutput(many=True)


class BoardMenuRow(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sold_out = serializers.BooleanField()


class BoardOutput(serializers.Serializer):
    now = serializers.DateTimeField()
    branches = BoardBranchRow(many=True)
    columns = ColumnRow(many=True)
    menu = BoardMenuRow(many=True, help_text="The menu's dishes with their sold-out switch (empty for riders).")
    sold_out = BoardMenuRow(many=True)


class StepOutput(serializers.Serializer):
    order = OrderPositionOutput()
    ticket = TicketRowOutput(allow_null=True, help_text="The order on the board now (null when it never reached "
                                                         "the kitchen).")
