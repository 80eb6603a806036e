from django.http import StreamingHttpResponse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES
from apps.core.filters import IsoDateTimeFilter
from apps.core.renderers import CsvExportMixin
from apps.rbac.api import LIST_BACKENDS, WorkspaceApi

from . import selectors, services
from .models import Customer
from .serializers import CustomerInput, CustomerOutput, ImportInput, ImportOutput

EXAMPLE = {"name": "Kim Minji", "phone": "010-1234-5678", "email": "minji@example.com", "birth_date": "2013-04-02",
           "branch": 1, "tags": ["vip"], "marketing_consent": True, "notes": "Prefers evening classes.",
           "guardians": [{"name": "Kim Jisoo", "relation": "mother", "phone": "010-9876-5432"}]}

OUTPUT = {"id": 7, "name": "Kim Minji", "phone": "+821012345678", "email": "minji@example.com",
          "birth_date": "2013-04-02", "is_minor": True, "branch": 1, "branch_name": "Gangnam", "tags": ["vip"],
          "guardians": [{"name": "Kim Jisoo", "relation": "mother", "phone": "+821098765432", "email": ""}],
          "marketing_consent": True, "marketing_consent_at": "2026-03-02T09:00:00Z",
          "notes": "Prefers evening classes.", "created_at": "2026-03-02T09:00:00Z",
          "updated_at": "2026-03-02T09:00:00Z"}


class CustomerFilter(filters.FilterSet):
    # "english" finds the tag "English"
    tag = filters.CharFilter(field_name="tags__name", lookup_expr="iexact", label="tag", distinct=True)
    born_after = filters.DateFilter(field_name="birth_date", lookup_expr="gte")
    born_before = filters.DateFilter(field_name="birth_date", lookup_expr="lte")
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Customer
        fields = ["branch", "marketing_consent", "tag", "born_after", "born_before", "created_after"]


class CustomerListApi(WorkspaceApi):
    perms = {"GET": "customer:view", "POST": "customer:add"}
    serializer_class = CustomerOutput
    filter_backends = LIST_BACKENDS
    filterset_class = CustomerFilter
    search_fields = ["name", "phone", "email", "notes"]
    phone_search_fields = ["phone"]  # "010-5678-9005" finds +821056789005
    ordering_fields = ["name", "created_at", "birth_date", "id"]

    def get_queryset(self):
        return selectors.customer_rows(access=self.access)

    @extend_schema(tags=["customers"], summary="List customers (search, filter, order; scoped to your branches)",
                   responses={200: CustomerOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CustomerOutput(page, many=True).data)

    @extend_schema(tags=["customers"], summary="Add a customer", request=CustomerInput,
                   description="Customers under 19 need at least one guardian contact. Branch-limited staff can "
                               "only add customers to their branches (`branch_out_of_scope`).",
                   responses={201: CustomerOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Student with a guardian", value=EXAMPLE, request_only=True),
                             OpenApiExample("Created", response_only=True, status_codes=["201"], value=OUTPUT)])
    def post(self, request):
        serializer = CustomerInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_create(actor=self.actor, allowed_branch_ids=self.branch_ids(),
                                            **serializer.validated_data)
        return Response(CustomerOutput(selectors.customer_rows(access=self.access, perm=self.perm_name())
                                       .get(pk=customer.pk)).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(WorkspaceApi):
    perms = {"GET": "customer:view", "PATCH": "customer:change", "DELETE": "customer:delete"}
    serializer_class = CustomerOutput

    def get_queryset(self):
        return selectors.customer_rows(access=self.access, perm=self.perm_name())

    @extend_schema(tags=["customers"], summary="A customer", responses={200: CustomerOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Customer", response_only=True, value=OUTPUT)])
    def get(self, request, pk):
        return Response(CustomerOutput(self.get_object()).data)

    @extend_schema(tags=["customers"], summary="Change a customer", request=CustomerInput,
                   responses={200: CustomerOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Withdraw consent", value={"marketing_consent": False},
                                            request_only=True)])
    def patch(self, request, pk):
        customer = self.get_object()
        serializer = CustomerInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.customer_update(customer=customer, actor=self.actor, allowed_branch_ids=self.branch_ids(),
                                 **serializer.validated_data)
        return Response(CustomerOutput(self.get_queryset().get(pk=pk)).data)

    @extend_schema(tags=["customers"], summary="Delete a customer (soft: history is kept)",
                   responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, pk):
        services.customer_delete(customer=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CustomerImportApi(WorkspaceApi):
    perms = {"POST": "customer:import"}
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportInput

    @extend_schema(tags=["customers"], summary="Import customers from CSV", request={"multipart/form-data": ImportInput},
                   description="Columns: " + ", ".join(services.IMPORT_COLUMNS) + ". Only `name` is required; "
                               "`tags` are separated by `;`. Valid rows are created; each invalid row is reported "
                               "with its line number. With `dry_run` nothing is written.",
                   responses={200: ImportOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Report", response_only=True, value={
                       "created": 2, "valid": 2, "dry_run": False,
                       "errors": [{"line": 4, "errors": {"birth_date": ["Use the date format YYYY-MM-DD."]}}]})])
    def post(self, request):
        serializer = ImportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.customers_import(file=serializer.validated_data["file"], actor=self.actor,
                                           allowed_branch_ids=self.branch_ids(),
                                           dry_run=serializer.validated_data["dry_run"])
        return Response(ImportOutput(report).data)


class CustomerExportApi(CsvExportMixin, WorkspaceApi):
    perms = {"GET": "customer:export"}
    filter_backends = LIST_BACKENDS
    filterset_class = CustomerFilter
    search_fields = CustomerListApi.search_fields
    ordering_fields = CustomerListApi.ordering_fields

    def get_queryset(self):
        view_scope = selectors.customer_list(access=self.access)
        return selectors.customer_list(access=self.access, perm=self.perm_name()).filter(pk__in=view_scope.values("pk"))

    @extend_schema(tags=["customers"], summary="Export customers as CSV (same filters as the list)",
                   responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, examples=[OpenApiExample(
                       "Export", value="id,name,phone,email,birth_date,branch,tags,marketing_consent,"
                                       "marketing_consent_at,notes,guardians,created_at\r\n"
                                       "7,Kim Minji,010-1234-5678,minji@example.com,2013-04-02,Gangnam,vip,yes,"
                                       "2026-03-02 09:00:00+00:00,,Kim Jisoo (mother) 010-9876-5432,"
                                       "2026-03-02 09:00:00+00:00\r\n")]),
                              **ERROR_RESPONSES})
    def get(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(selectors.customers_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="customers-{timezone.now():%Y%m%d}.csv"'
        return response
