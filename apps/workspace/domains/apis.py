"""`/api/v1/domains/`: the workspace's domains with the DNS records that verify them; the
owner adds and removes custom domains (apps.tenants.domains)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES
from apps.core.errors import NotFound
from apps.rbac.api import WorkspaceApi
from apps.rbac.tenancy import current_tenant
from apps.tenants.domains import custom_domain_add, custom_domain_remove
from apps.tenants.models import Domain

from .serializers import DomainInput, DomainSerializer


def _domains():
    return Domain.objects.filter(tenant=current_tenant()).order_by("-is_primary", "domain")


class DomainListApi(WorkspaceApi):
    perms = {"GET": "settings:view", "POST": "settings:change"}
    serializer_class = DomainSerializer
    pagination_class = None

    @extend_schema(tags=["settings"], summary="The workspace's domains and the DNS records that verify them",
                   responses={200: DomainSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request):
        return Response(DomainSerializer(_domains(), many=True).data)

    @extend_schema(tags=["settings"], summary="Add a custom domain (pending until its TXT record is found)",
                   request=DomainInput, responses={201: DomainSerializer, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Shop domain", request_only=True, value={"domain": "shop.example.com"})])
    def post(self, request):
        data = DomainInput(data=request.data)
        data.is_valid(raise_exception=True)
        domain = custom_domain_add(tenant=current_tenant(), hostname=data.validated_data["domain"],
                                   actor=self.actor)
        return Response(DomainSerializer(domain).data, status=status.HTTP_201_CREATED)


class DomainDetailApi(WorkspaceApi):
    perms = {"GET": "settings:view", "DELETE": "settings:change"}
    serializer_class = DomainSerializer

    def _get(self, pk):
        domain = _domains().filter(pk=pk).select_related("tenant").first()
        if domain is None:
            raise NotFound()
        return domain

    @extend_schema(tags=["settings"], summary="One domain", responses={200: DomainSerializer, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(DomainSerializer(self._get(pk)).data)

    @extend_schema(tags=["settings"], summary="Remove a custom domain (it stops routing at once)",
                   responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, pk):
        custom_domain_remove(domain=self._get(pk), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
