"""Service-market endpoints on the public host (seeds/003 §5.3, §6)."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES
from apps.inbound.apis import InboundWebhookApi, webhook_examples
from apps.tenants.serializers import TenantStatusOutput

from .authentication import HasPlatformApiKey, PlatformApiKeyAuthentication
from .serializers import MarketTenantInput
from .services import SOURCE, market_tenant_create


class MarketTenantCreateApi(APIView):
    authentication_classes = [PlatformApiKeyAuthentication]
    permission_classes = [HasPlatformApiKey]

    @extend_schema(
        tags=["service market"], request=MarketTenantInput,
        responses={201: TenantStatusOutput, **ERROR_RESPONSES, 409: ERROR_RESPONSES[400]},
        summary="Create a tenant for an approved service-market application",
        description="Authenticated by a platform API key (`Authorization: Api-Key pk_...`). Provisioning runs "
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


@extend_schema_view(post=extend_schema(summary="Service-market webhook", examples=webhook_examples({
    "user.deleted": {"email": "admin@k-univ.ac.kr", "user_id": "u-5521"},
    "service.cancelled": {"application_id": "1042"}})))
class ServiceMarketWebhookApi(InboundWebhookApi):
    """Events `user.deleted` ({"email", "user_id"}) and `service.cancelled` ({"application_id"})."""

    source = SOURCE
    secret_setting = "SERVICE_MARKET_WEBHOOK_SECRET"
