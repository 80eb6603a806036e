"""Platform API on the public host: a new workspace's status (thin view). The sign-up that
creates it is apps.onboarding.apis.SignupApi."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFound

from .models import Tenant
from .serializers import TenantStatusOutput, tenant_status_example


class TenantStatusApi(APIView):
    """Poll a new workspace's status by the unguessable id returned at creation."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["platform"], responses={200: TenantStatusOutput}, summary="Status of a new workspace",
                   examples=[tenant_status_example("Ready", "active", "Active"),
                             tenant_status_example("Provisioning", "provisioning", "Provisioning")])
    def get(self, request, public_id):
        tenant = Tenant.objects.filter(public_id=public_id).exclude(status=Tenant.Status.PURGED).first()
        if tenant is None:
            raise NotFound()
        return Response(TenantStatusOutput(tenant, context={"request": request}).data)
