"""Service-market endpoints on the public host (seeds/003 §5.3, §6)."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.serializers import IntrospectInput, IntrospectOutput
from apps.core.api import ERROR_RESPONSES, NoStoreMixin
from apps.inbound.apis import InboundWebhookApi, webhook_examples
from apps.tenants.serializers import TenantStatusOutput

from .authentication import HasPlatformApiKey, PlatformApiKeyAuthentication
from .models import PlatformApiKey
from .serializers import MarketTenantInput
from .services import SOURCE, market_tenant_create, platform_token_introspect


class MarketTenantCreateApi(APIView):
    authentication_classes = [PlatformApiKeyAuthentication]
    permission_classes = [HasPlatformApiKey]
    platform_scope = PlatformApiKey.Scope.TENANTS_CREATE

    @extend_schema(
        tags=["service market"], request=MarketTenantInput,
        responses={201: TenantStatusOutput, **ERROR_RESPONSES, 409: ERROR_RESPONSES[400]},
        summary="Create a tenant for an approved service-market application",
        description="Authenticated by a platform API key with the `tenants:create` scope (`Authorization: "
                    "Api-Key pk_...`; another key: 403 `scope_missing`). Provisioning runs "
                    "in the background: poll `status_url`. One tenant per application (`application_exists`).",
        examples=[OpenApiExample("Create", request_only=True, value={
            "tenant_id": "k-univ", "tenant_name": "K University", "admin_email": "admin@k-univ.ac.kr",
            "admin_name": "Lee Admin", "application_id": "1042", "application_kind": "service"}),
                  OpenApiExample("Provisioning", response_only=True, status_codes=["201"], value={
                      "tenant_id": "k-univ", "slug": "k-univ", "status": "provisioning",
                      "status_display": "Provisioning", "tenant_url": "https://k-univ.example.com/",
                      "status_url": "https://example.com/api/v1/platform/tenants/status/"
                                    "1b4e28ba-2fa1-11d2-883f-0016d3cca427/"})],
    )
    def post(self, request):
        serializer = MarketTenantInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        tenant = market_tenant_create(**serializer.validated_data, api_key=request.auth)
        return Response(TenantStatusOutput(tenant, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class PlatformIntrospectApi(NoStoreMixin, APIView):
    authentication_classes = [PlatformApiKeyAuthentication]
    permission_classes = [HasPlatformApiKey]
    platform_scope = PlatformApiKey.Scope.TOKEN_INTROSPECT

    @extend_schema(
        tags=["auth"], request=IntrospectInput, responses={200: IntrospectOutput, **ERROR_RESPONSES},
        summary="Token introspection for platform services (RFC 7662)",
        description="On the platform's own host, for a service holding a platform API key with the "
                    "`token:introspect` scope (`Authorization: Api-Key pk_...`; another key: 403 `scope_missing`): "
                    "any workspace's token, judged as `POST /api/v1/auth/introspect/` on that workspace's host "
                    "judges it. `tenant` says whose it is. A token that is not active (invalid, expired, revoked, "
                    "of a workspace that is gone, of a person no longer a member) answers only `{\"active\": false}`.",
        examples=[OpenApiExample("Ask", request_only=True, value={"token": "eyJhbGciOiJSUzI1NiIsImtpZCI6Ii4uLiJ9..."}),
                  OpenApiExample("Not active", response_only=True, value={"active": False})],
    )
    def post(self, request):
        serializer = IntrospectInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = platform_token_introspect(raw=serializer.validated_data["token"])
        return Response(IntrospectOutput(answer).data if answer["active"] else answer)


@extend_schema_view(post=extend_schema(summary="Service-market webhook", examples=webhook_examples({
    "user.deleted": {"email": "admin@k-univ.ac.kr", "user_id": "u-5521"},
    "service.cancelled": {"application_id": "1042"}})))
class ServiceMarketWebhookApi(InboundWebhookApi):
    """Events `user.deleted` ({"email", "user_id"}) and `service.cancelled` ({"application_id"})."""

    source = SOURCE
    secret_setting = "SERVICE_MARKET_WEBHOOK_SECRET"
