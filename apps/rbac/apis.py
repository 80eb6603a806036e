from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.authz import catalogue
from apps.core.api import ERROR_RESPONSES

from . import selectors, services
from .api import LIST_BACKENDS, WorkspaceApi
from .models import Role
from .serializers import PermissionOutput, RoleCreateInput, RoleOutput, RoleUpdateInput


class RoleFilter(filters.FilterSet):
    class Meta:
        model = Role
        fields = ["is_active", "is_system"]


class RoleListApi(WorkspaceApi):
    perms = {"GET": "role:view", "POST": "role:add"}
    serializer_class = RoleOutput
    filter_backends = LIST_BACKENDS
    filterset_class = RoleFilter
    search_fields = ["key", "name"]
    ordering_fields = ["name", "key", "id"]

    def get_queryset(self):
        return selectors.role_list()

    @extend_schema(tags=["roles"], summary="List roles with their permissions and scopes",
                   responses={200: RoleOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(RoleOutput(page, many=True).data)

    @extend_schema(tags=["roles"], summary="Create a role", request=RoleCreateInput,
                   responses={201: RoleOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Assistant", request_only=True, value={
                       "key": "assistant", "name": "Assistant",
                       "permissions": {"customer:view": "branch", "admin:access": "tenant"}})])
    def post(self, request):
        data = RoleCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        role = services.role_create(key=data.validated_data["key"], name=data.validated_data["name"],
                                    description=data.validated_data.get("description", ""),
                                    grants=data.validated_data.get("permissions"), actor=self.actor,
                                    actor_access=self.access)
        return Response(RoleOutput(selectors.role_list().get(pk=role.pk)).data, status=status.HTTP_201_CREATED)


class RoleDetailApi(WorkspaceApi):
    perms = {"GET": "role:view", "PATCH": "role:change", "DELETE": "role:delete"}
    serializer_class = RoleOutput

    def get_queryset(self):
        return selectors.role_list()

    @extend_schema(tags=["roles"], summary="A role", responses={200: RoleOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(RoleOutput(self.get_object()).data)

    @extend_schema(tags=["roles"], summary="Rename, enable/disable, or replace a role's permissions",
                   description="`permissions` replaces the whole set. Permissions HQ locked for this role "
                               "(see `locked`) must stay as they are (`permission_locked`). The owner role is fixed "
                               "(`system_role`). You can only add or widen permissions you hold at that scope or "
                               "wider (`grant_too_wide`).",
                   request=RoleUpdateInput, responses={200: RoleOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Teacher sees own students only", request_only=True, value={
                       "permissions": {"customer:view": "own", "admin:access": "tenant"}})])
    def patch(self, request, pk):
        role = self.get_object()
        data = RoleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.role_update(role=role, actor=self.actor, actor_access=self.access, name=values.get("name"),
                             description=values.get("description"), is_active=values.get("is_active"),
                             grants=values.get("permissions"))
        return Response(RoleOutput(selectors.role_list().get(pk=pk)).data)

    @extend_schema(tags=["roles"], summary="Delete a role nobody holds", responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, pk):
        services.role_delete(role=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PermissionListApi(WorkspaceApi):
    perms = {"GET": "role:view"}
    pagination_class = None
    serializer_class = PermissionOutput

    def get_queryset(self):
        return Role.objects.none()  # not a model list: the catalogue

    @extend_schema(tags=["roles"], summary="Every permission a role can have (resource:action)",
                   responses={200: PermissionOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        return Response([{"key": key, "django": catalogue.django_perm(key)} for key in catalogue.all_keys()])
