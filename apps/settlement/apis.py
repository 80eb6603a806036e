"""The workspace's settlement statements over its API (tenant host, /api/v1/settlements/):
its batches newest first, one batch with its totals and first lines, all its lines page
by page, and the whole statement as CSV or PDF (`?format=csv|pdf` on the batch).

Batches live in the public schema; every read is scoped to the host's workspace
(`request.tenant`), so another workspace's batch is as unknown as a missing one. Who may
read them is who may read the workspace's bill: its owner (apps.billing's rule)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from apps.billing.apis import IsWorkspaceOwner
from apps.core.api import ERROR_RESPONSES, ErrorSerializer
from apps.core.keyset import StrictPageSize
from apps.core.renderers import CSVRenderer, JsonErrorsMixin

from . import documents, selectors
from .errors import BatchNotFound
from .models import SettlementBatch
from .serializers import BatchDetailOutput, BatchFilterInput, BatchOutput, LineOutput

LINES_SHOWN = 100  # on the batch itself; the rest at `lines_url`

BATCH = {"id": 41, "url": "https://alpha.example.com/api/v1/settlements/41/", "cycle": "monthly",
         "cycle_label": "Monthly", "period_start": "2026-11-01", "period_end": "2026-12-01", "status": "paid_out",
         "status_label": "Paid out", "currency": "KRW", "payments_count": 2, "refunds_count": 1,
         "adjustments_count": 0, "gross": 32900, "refunds": 3000, "commission": 1047, "fees": 1086, "vat": 105,
         "net": 27662, "carried_in": 0, "payout": 27662, "carried_out": 0, "payout_reference": "KB-20261205-0042",
         "confirmed_at": "2026-12-02T01:00:00Z", "paid_out_at": "2026-12-05T02:30:00Z",
         "tax_invoice": "ST-202612-0000041"}
LINE = {"id": 901, "kind": "payment", "kind_label": "Payment", "adjustment": False, "reference": "pay_8Hc2",
        "payment_reference": "pay_8Hc2", "order_number": 1042, "occurred_at": "2026-11-03T03:00:00Z",
        "amount": 23000, "commission_rate": "3.50", "commission": 805, "fee": 759, "vat": 81, "net": 21355}
REFUND_LINE = {"id": 902, "kind": "refund", "kind_label": "Refund", "adjustment": False, "reference": "rf_31",
               "payment_reference": "pay_8Hc2", "order_number": 1042, "occurred_at": "2026-11-10T03:00:00Z",
               "amount": -3000, "commission_rate": "3.50", "commission": -105, "fee": 0, "vat": -11,
               "net": -2884}
STATEMENT_CSV = ("\ufeffDate,Kind,Reference,Payment,Order,Amount,Commission rate (%),Commission,Payment fee,VAT,Net,"
                 "Adjustment\r\n2026-11-03T03:00:00+00:00,Payment,pay_8Hc2,pay_8Hc2,1042,23000,3.50,805,759,81,21355,"
                 "\r\n2026-11-10T03:00:00+00:00,Refund,rf_31,pay_8Hc2,1042,-3000,3.50,-105,0,-11,-2884,\r\n\r\n"
                 ",Gross sales,,,,23000\r\n,Refunds,,,,-3000\r\n,Commission,,,,700\r\n,Payment fees,,,,759\r\n"
                 ",VAT on commission,,,,70\r\n,Net,,,,18471\r\n,Carried over,,,,0\r\n,Payout,,,,18471\r\n"
                 ",Carried to next,,,,0\r\n")


class WorkspaceOwnerOnly(IsWorkspaceOwner):
    """Billing's rule: the workspace's owner."""

    message = _("Only the workspace owner can see settlement statements.")


class PDFRenderer(BaseRenderer):
    """`application/pdf`, offered to content negotiation; the view makes the file itself."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class NewestPeriodFirst(StrictPageSize, CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-period_start", "-id")


class InSettlementOrder(StrictPageSize, CursorPagination):
    """A batch's lines in the order they were settled (the CSV's order)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("occurred_at", "kind", "source_id")


class _StatementApi(GenericAPIView):
    permission_classes = [IsAuthenticated, WorkspaceOwnerOnly]
    queryset = SettlementBatch.objects.none()  # for the schema's path parameters; reads go through selectors

    def batch(self, pk) -> SettlementBatch:
        batch = selectors.batch_get(pk=pk, tenant=self.request.tenant)
        if batch is None:  # unknown, or another workspace's
            raise BatchNotFound()
        return batch


class SettlementListApi(_StatementApi):
    serializer_class = BatchOutput
    pagination_class = NewestPeriodFirst

    @extend_schema(tags=["settlement"], summary="The workspace's settlement batches, newest period first",
                   description="What the platform settles to the workspace each period: sales, refunds, the "
                               "platform's commission, payment fees, VAT on the commission, the net and the payout "
                               "(integers in the currency's minor unit; `period_end` is the first day after the "
                               "period). Filters: `status`; `period_from` / `period_to` (YYYY-MM-DD) keep the "
                               "batches whose period starts in that range. Only the workspace owner may read them.",
                   parameters=[BatchFilterInput],
                   responses={200: BatchOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Batches", value=[BATCH], response_only=True)])
    def get(self, request):
        filters = BatchFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.batch_list(tenant=request.tenant, **filters.validated_data))
        return self.get_paginated_response(BatchOutput(page, many=True, context={"request": request}).data)


class SettlementDetailApi(JsonErrorsMixin, _StatementApi):
    serializer_class = BatchDetailOutput
    renderer_classes = [JSONRenderer, CSVRenderer, PDFRenderer]

    @extend_schema(
        tags=["settlement"], summary="A settlement batch: totals and lines (JSON), or the statement as CSV or PDF",
        description=f"JSON: the batch with its first {LINES_SHOWN} lines (`lines_count` in all; every line at "
                    "`lines_url`). `?format=csv` (or `Accept: text/csv`): the whole statement, one row per payment "
                    "and refund then the totals, amounts as plain integers (a refund's negative). `?format=pdf` "
                    "(or `Accept: application/pdf`): the printable statement (A4), with the platform and the "
                    "workspace's legal name and registration number, the totals and the lines. Both files are "
                    "written in the workspace's language and time zone. Another workspace's batch is `not_found`.",
        parameters=[OpenApiParameter("format", str, enum=["json", "csv", "pdf"], required=False,
                                     description="json (the default), csv or pdf.")],
        responses={
            (200, "application/json"): BatchDetailOutput,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, examples=[OpenApiExample("Statement",
                                                                                          value=STATEMENT_CSV)]),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The statement (A4)."),
            503: OpenApiResponse(ErrorSerializer, description="The PDF cannot be made on this "
                                                                             "server (`settlement_pdf_unavailable`)."),
            **ERROR_RESPONSES},
        examples=[OpenApiExample("Batch", response_only=True, value={
            **BATCH, "window_start": "2026-10-31T15:00:00Z", "window_end": "2026-11-30T15:00:00Z", "lines_count": 3,
            "lines": [LINE, REFUND_LINE], "lines_url": "https://alpha.example.com/api/v1/settlements/41/lines/",
            "csv_url": "https://alpha.example.com/api/v1/settlements/41/?format=csv",
            "pdf_url": "https://alpha.example.com/api/v1/settlements/41/?format=pdf"})])
    def get(self, request, pk):
        batch = self.batch(pk)
        wanted = request.accepted_renderer.format
        if wanted == "csv":
            return documents.csv_response(batch, tenant=request.tenant)
        if wanted == "pdf":
            return documents.pdf_response(batch, tenant=request.tenant)
        lines = selectors.batch_lines(batch=batch)[:LINES_SHOWN]
        return Response(BatchDetailOutput(batch, context={"request": request, "lines": lines}).data)


class SettlementLinesApi(_StatementApi):
    serializer_class = LineOutput
    pagination_class = InSettlementOrder

    @extend_schema(tags=["settlement"], summary="A settlement batch's lines, in the order they were settled",
                   description="One line per payment captured and per refund made in the batch's window (a "
                               "refund's amounts are negative; `adjustment`: a refund of a payment settled in an "
                               "earlier batch). 100 per page, up to 500 with `page_size`.",
                   responses={200: LineOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Lines", value=[LINE, REFUND_LINE], response_only=True)])
    def get(self, request, pk):
        batch = self.batch(pk)
        page = self.paginate_queryset(selectors.batch_lines(batch=batch))
        return self.get_paginated_response(LineOutput(page, many=True).data)
