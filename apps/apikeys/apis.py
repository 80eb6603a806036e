from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES, NoStoreMixin
from apps.core.filters import OrderingFilter
from apps.rbac.api import WorkspaceApi

from . import services
from .models import ApiKey
from .serializers import ApiKeyCreatedOutput, ApiKeyInput, ApiKeyOutput


def _keys():
    return ApiKey.objects.prefetch_related("permissions__content_type")


class ApiKeyListApi(NoStoreMixin, WorkspaceApi):
    perms = {"GET": "apikey:view", "POST": "apikey:add"}
    serializer_class = ApiKeyOutput
    filter_backends = [SearchFilter, OrderingFilter]
    search_fields = ["name", "prefix"]
    ordering_fields = ["created_at", "name", "id"]

    def get_queryset(self):
        return _keys()

    @extend_schema(tags=["api keys"], summary="List API keys (never the secrets)",
                   responses={200: ApiKeyOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ApiKeyOutput(page, many=True).data)

    @extend_schema(tags=["api keys"], summary="Create an API key (the key is shown once)",
                   description="Use it as `Authorization: Api-Key <key>`. A key can only have permissions you hold "
                               "workspace-wide (`api_key_scope_too_wide`); it acts workspace-wide.",
                   request=ApiKeyInput, responses={201: ApiKeyCreatedOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("CRM sync", request_only=True, value={
                       "name": "CRM sync", "permissions": ["customer:view", "customer:add"],
                       "expires_at": "2027-01-01T00:00:00Z"}),
                             OpenApiExample("Created", response_only=True, status_codes=["201"], value={
                                 "id": 3, "name": "CRM sync", "prefix": "9f86d081",
                                 "permissions": ["customer:add", "customer:view"], "status": "active",
                                 "expires_at": "2027-01-01T00:00:00Z", "last_used_at": None, "revoked_at": None,
                                 "created_at": "2026-03-02T09:00:00Z",
                                 "key": "9f86d081.Vb3k1h2Qm0n8XwzE5pLr7aT4yUc6dFgHjKlMnOpQrSt"})])
    def post(self, request):
        data = ApiKeyInput(data=request.data)
        data.is_valid(raise_exception=True)
        api_key, secret = services.api_key_create(
            name=data.validated_data["name"], perms=data.validated_data["permissions"],
            expires_at=data.validated_data.get("expires_at"), actor=self.actor,
            actor_access=self.access)
        api_key = _keys().get(pk=api_key.pk)
        api_key.key = secret
        return Response(ApiKeyCreatedOutput(api_key).data, status=status.HTTP_201_CREATED)


class ApiKeyDetailApi(WorkspaceApi):
    perms = {"GET": "apikey:view", "DELETE": "apikey:delete"}
    serializer_class = ApiKeyOutput

    def get_queryset(self):
        return _keys()

    @extend_schema(tags=["api keys"], summary="An API key", responses={200: ApiKeyOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(ApiKeyOutput(self.get_object()).data)

    @extend_schema(tags=["api keys"], summary="Revoke an API key (immediately)",
                   responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, pk):
        services.api_key_revoke(api_key=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
