"""Platform API on the public host: a business signs itself up (thin view). Its status is
polled at apps.tenants.apis.TenantStatusApi."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES
from apps.tenants.serializers import TenantStatusOutput, tenant_status_example

from .serializers import SignupInput
from .signup import tenant_signup


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
                  tenant_status_example("Provisioning", "provisioning", "Provisioning"),
                  tenant_status_example("Waiting for approval", "requested", "Requested")],
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
