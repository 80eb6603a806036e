from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES
from apps.rbac.api import LIST_BACKENDS, WorkspaceApi

from . import selectors, services
from .models import Branch
from .serializers import BranchSerializer

EXAMPLE = {"name": "Gangnam", "address": "Teheran-ro 1, Seoul", "phone": "02-123-4567",
           "opening_hours": {"mon": ["09:00-18:00"], "sat": ["10:00-14:00"]}, "timezone": "Asia/Seoul",
           "is_active": True}


class BranchFilter(filters.FilterSet):
    class Meta:
        model = Branch
        fields = ["is_active", "timezone"]


class BranchListApi(WorkspaceApi):
    perms = {"GET": "branch:view", "POST": "branch:add"}
    serializer_class = BranchSerializer
    filter_backends = LIST_BACKENDS
    filterset_class = BranchFilter
    search_fields = ["name", "address", "phone"]
    ordering_fields = ["name", "created_at", "id"]

    def get_queryset(self):
        return selectors.branch_list(access=self.access)

    @extend_schema(tags=["branches"], summary="List branches (those your role reaches)",
                   responses={200: BranchSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(BranchSerializer(page, many=True).data)

    @extend_schema(tags=["branches"], summary="Create a branch (counts against the plan's branch limit)",
                   request=BranchSerializer, responses={201: BranchSerializer, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Branch", value=EXAMPLE, request_only=True),
                             OpenApiExample("Created", response_only=True, status_codes=["201"], value={
                                 "id": 1, **EXAMPLE, "phone": "+8221234567", "created_at": "2026-03-02T09:00:00Z",
                                 "updated_at": "2026-03-02T09:00:00Z"})])
    def post(self, request):
        serializer = BranchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        branch = services.branch_create(actor=self.actor, **serializer.validated_data)
        return Response(BranchSerializer(branch).data, status=status.HTTP_201_CREATED)


class BranchDetailApi(WorkspaceApi):
    perms = {"GET": "branch:view", "PATCH": "branch:change"}
    serializer_class = BranchSerializer

    def get_queryset(self):
        return self.access.scope_filter(Branch.objects.all(), self.perm_name(), branch_field="pk")

    @extend_schema(tags=["branches"], summary="A branch", responses={200: BranchSerializer, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(BranchSerializer(self.get_object()).data)

    @extend_schema(tags=["branches"], summary="Change a branch (deactivate with is_active=false)",
                   request=BranchSerializer, responses={200: BranchSerializer, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Close on Sundays", value={"opening_hours": {"mon": ["09:00-18:00"]}},
                                            request_only=True)])
    def patch(self, request, pk):
        branch = self.get_object()
        serializer = BranchSerializer(branch, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        branch = services.branch_update(branch=branch, actor=self.actor, **serializer.validated_data)
        return Response(BranchSerializer(branch).data)
