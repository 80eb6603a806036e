"""Platform API on the public host: self sign-up and its status (thin views)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES
from apps.core.errors import NotFound

from .models import Tenant
from .serializers import SignupInput, TenantStatusOutput
from .signup import tenant_signup


def _status_example(name: str, status: str, display: str) -> OpenApiExample:
    return OpenApiExample(name, response_only=True, value={
        "tenant_id": "acme", "slug": "acme", "status": status, "status_display": display,
        "tenant_url": "https://acme.example.com/",
        "status_url": "https://example.com/api/v1/platform/tenants/status/1b4e28ba-2fa1-11d2-883f-0016d3cca427/"})


class SignupApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["platform"], request=SignupInput, responses={201: TenantStatusOutput, **ERROR_RESPONSES},
        summary="Sign a business up",
        description="Creates the workspace. On a plan with self sign-up it is provisioned at once (poll "
                    "`status_url` until `active`; the owner receives a set-password email); otherwise it "
                    "waits for HQ approval (`requested`). Subdomains: 3-40 lowercase letters, digits and "
                    "hyphens, not reserved, not taken (`validation_error` with details per field).",
        examples=[OpenApiExample("Sign-up", request_only=True, value={
            "business_type": "academy", "company_name": "Acme Academy", "subdomain": "acme",
            "owner_email": "owner@acme.example.com", "owner_name": "Kim Acme", "plan": "starter"}),
                  _status_example("Provisioning", "provisioning", "Provisioning"),
                  _status_example("Waiting for approval", "requested", "Requested")],
    )
    def post(self, request):
        serializer = SignupInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tenant = tenant_signup(business_type=data["business_type"], company_name=data["company_name"],
                               subdomain=data["subdomain"], owner_email=data["owner_email"],
                               owner_name=data["owner_name"], plan=data["plan"])
        return Response(TenantStatusOutput(tenant, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class TenantStatusApi(APIView):
    """Poll a new workspace's status by the unguessable id returned at creation."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["platform"], responses={200: TenantStatusOutput}, summary="Status of a new workspace",
                   examples=[_status_example("Ready", "active", "Active"),
                             _status_example("Provisioning", "provisioning", "Provisioning")])
    def get(self, request, public_id):
        tenant = Tenant.objects.filter(public_id=public_id).exclude(status=Tenant.Status.PURGED).first()
        if tenant is None:
            raise NotFound()
        return Response(TenantStatusOutput(tenant, context={"request": request}).data)
