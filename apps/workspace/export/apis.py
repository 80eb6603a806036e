"""The export API: ask for an export of the whole workspace (built by a worker), list and
read exports with a fresh signed download link, and export one customer's personal data."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES, ErrorSerializer
from apps.core.datasets import subject_find
from apps.core.errors import NotFound
from apps.rbac.api import WorkspaceApi

from ..errors import ExportNeedsWorkspaceScope
from . import services
from .models import DataExport
from .serializers import ExportOutput

TAGS = ["exports"]
EXAMPLE = {"id": 3, "kind": "workspace", "kind_label": "Whole workspace", "status": "ready", "status_label": "Ready",
           "customer_id": None, "customer": "", "requested_by": "owner@example.com", "size": 48213,
           "sha256": "9f2c…", "row_counts": {"crm/customers": 120, "orders/orders": 455},
           "created_at": "2026-03-02T09:00:00Z", "started_at": "2026-03-02T09:00:01Z",
           "finished_at": "2026-03-02T09:00:09Z", "expires_at": "2026-03-09T09:00:09Z",
           "download_url": "https://acme.example.com/exports/download/eyJ4Ijoi…/",
           "link_expires_at": "2026-03-02T10:00:00Z"}
CONFLICT = {409: OpenApiResponse(ErrorSerializer, description="An export is already being prepared "
                                                              "(`export_in_progress`).")}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such export or customer (`not_found`).")}


class WholeWorkspaceApi(WorkspaceApi):
    """workspace:export held for some branches only is not enough: the export holds every branch."""

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.branch_ids() is not None:
            raise ExportNeedsWorkspaceScope()


class ExportListApi(WholeWorkspaceApi):
    perms = {"GET": "workspace:export", "POST": "workspace:export"}
    serializer_class = ExportOutput

    def get_queryset(self):
        return DataExport.objects.select_related("requested_by").order_by("-id")

    @extend_schema(tags=TAGS, summary="List exports (newest first), each ready one with a fresh download link",
                   responses={200: ExportOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ExportOutput(page, many=True, context={"request": request}).data)

    @extend_schema(tags=TAGS, summary="Prepare an export of the whole workspace (a zip of CSV and JSON)",
                   description="The export is built by a worker: read it with GET /api/v1/exports/{id}/ until its "
                               "`status` is `ready`, then download `download_url`. One export at a time "
                               "(`export_in_progress`).",
                   request=None, responses={202: ExportOutput, **ERROR_RESPONSES, **CONFLICT},
                   examples=[OpenApiExample("Requested", response_only=True, status_codes=["202"],
                                            value={**EXAMPLE, "status": "pending", "status_label": "Waiting",
                                                   "size": 0, "sha256": "", "row_counts": {}, "started_at": None,
                                                   "finished_at": None, "expires_at": None, "download_url": None,
                                                   "link_expires_at": None})])
    def post(self, request):
        export = services.export_request(actor=self.actor)
        return Response(ExportOutput(export, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailApi(WholeWorkspaceApi):
    perms = {"GET": "workspace:export"}
    serializer_class = ExportOutput

    def get_queryset(self):
        return DataExport.objects.select_related("requested_by")

    @extend_schema(tags=TAGS, summary="An export, with a fresh signed download link once it is ready",
                   responses={200: ExportOutput, **ERROR_RESPONSES, **NOT_FOUND},
                   examples=[OpenApiExample("Ready", response_only=True, value=EXAMPLE)])
    def get(self, request, pk):
        return Response(ExportOutput(self.get_object(), context={"request": request}).data)


class PersonalExportApi(WorkspaceApi):
    perms = {"POST": "customer:export"}
    serializer_class = ExportOutput

    @extend_schema(tags=TAGS, summary="Export everything the workspace holds about one customer",
                   description="Built at once: profile, guardians, consents, orders with lines, payments and "
                               "refunds, coupons, reviews, enrolments, attendance, passes, tuition and the "
                               "messages sent, as `personal-data.json` plus one CSV per table, in a zip. The "
                               "customer must be within your branches.",
                   request=None, responses={201: ExportOutput, **ERROR_RESPONSES, **NOT_FOUND},
                   examples=[OpenApiExample("Built", response_only=True, status_codes=["201"], value={
                       **EXAMPLE, "kind": "personal", "kind_label": "One customer's personal data",
                       "customer_id": 7, "customer": "Kim Minji", "row_counts": {"crm/customers": 1}})])
    def post(self, request, pk):
        found = subject_find("customer", pk=pk, access=self.access)
        if found is None:
            raise NotFound()
        export = services.personal_export_create(actor=self.actor, customer_id=found[0], customer_label=found[1])
        return Response(ExportOutput(export, context={"request": request}).data, status=status.HTTP_201_CREATED)
