"""The tenant's settlement statements over the API (apps.settlement.apis): batches with
their totals (integers in the currency's minor unit, as stored: refunds, commission, fees
and VAT are positive amounts taken from the gross; carried amounts are negative) and
their lines (a refund's amounts are negative)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.serializers import ModelSerializer

from .models import SettlementBatch, SettlementLine, TaxInvoice


class BatchFilterInput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=SettlementBatch.Status.choices, required=False, allow_blank=True,
        help_text="Only batches in this status.",
        error_messages={"invalid_choice": _("This is not a batch status: use draft, confirmed, paid_out or held.")})
    period_from = serializers.DateField(required=False, help_text="Batches whose period starts on or after "
                                                                  "this day (YYYY-MM-DD).")
    period_to = serializers.DateField(required=False, help_text="Batches whose period starts on or before "
                                                                "this day (YYYY-MM-DD).")

    def validate(self, data):
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            raise serializers.ValidationError({"period_to": [_("The end of the range is before its start.")]})
        return {key: value for key, value in data.items() if value not in (None, "")}


class BatchOutput(ModelSerializer):
    cycle_label = serializers.CharField(source="get_cycle_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    tax_invoice = serializers.SerializerMethodField(help_text="The number of the commission's tax invoice, once "
                                                              "the batch is confirmed (none without commission).")
    url = serializers.SerializerMethodField()

    class Meta:
        model = SettlementBatch
        fields = ["id", "url", "cycle", "cycle_label", "period_start", "period_end", "status", "status_label",
                  "currency", "payments_count", "refunds_count", "adjustments_count", "gross", "refunds",
                  "commission", "fees", "vat", "net", "carried_in", "payout", "carried_out", "payout_reference",
                  "confirmed_at", "paid_out_at", "tax_invoice"]
        extra_kwargs = {"period_end": {"help_text": "The first day after the period."}}

    def get_tax_invoice(self, batch) -> str | None:
        try:
            return batch.tax_invoice.number
        except TaxInvoice.DoesNotExist:
            return None

    def _link(self, name: str, batch, query: str = "") -> str:
        path = reverse(name, args=[batch.pk]) + query
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, batch) -> str:
        return self._link("settlement-detail", batch)


class LineOutput(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = SettlementLine
        fields = ["id", "kind", "kind_label", "adjustment", "reference", "payment_reference", "order_number",
                  "occurred_at", "amount", "commission_rate", "commission", "fee", "vat", "net"]


class BatchDetailOutput(BatchOutput):
    """The batch with its first lines (`lines`, at most LINES_SHOWN); all of them page by
    page at `lines_url`, or at once in the CSV (`csv_url`)."""

    lines = serializers.SerializerMethodField()
    lines_count = serializers.SerializerMethodField()
    lines_url = serializers.SerializerMethodField()
    csv_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta(BatchOutput.Meta):
        fields = [*BatchOutput.Meta.fields, "window_start", "window_end", "lines_count", "lines", "lines_url",
                  "csv_url", "pdf_url"]

    @extend_schema_field(LineOutput(many=True))
    def get_lines(self, batch):
        return LineOutput(self.context["lines"], many=True).data

    def get_lines_count(self, batch) -> int:
        return batch.payments_count + batch.refunds_count

    def get_lines_url(self, batch) -> str:
        return self._link("settlement-lines", batch)

    def get_csv_url(self, batch) -> str:
        return self._link("settlement-detail", batch, "?format=csv")

    def get_pdf_url(self, batch) -> str:
        return self._link("settlement-detail", batch, "?format=pdf")
