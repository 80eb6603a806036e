from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES
from apps.rbac.api import WorkspaceApi

from . import services
from .serializers import WorkspaceSettingsSerializer


class WorkspaceSettingsApi(WorkspaceApi):
    perms = {"GET": "settings:view", "PATCH": "settings:change"}
    serializer_class = WorkspaceSettingsSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=["settings"], summary="Workspace profile, branding, locale and notification channels",
                   responses={200: WorkspaceSettingsSerializer, **ERROR_RESPONSES})
    def get(self, request):
        return Response(WorkspaceSettingsSerializer(services.workspace_settings_get()).data)

    @extend_schema(tags=["settings"], summary="Change workspace settings (JSON, or multipart to upload a logo)",
                   request={"application/json": WorkspaceSettingsSerializer,
                            "multipart/form-data": WorkspaceSettingsSerializer},
                   responses={200: WorkspaceSettingsSerializer, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Branding", request_only=True, value={
                       "display_name": "Alpha Academy", "primary_color": "#0f766e", "language": "ko",
                       "timezone": "Asia/Seoul", "notify_sms": True, "notification_phone": "010-1111-2222"})])
    def patch(self, request):
        serializer = WorkspaceSettingsSerializer(services.workspace_settings_get(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        row = services.workspace_settings_update(actor=self.actor, logo=data.pop("logo", None),
                                                 remove_logo=data.pop("remove_logo", False), **data)
        return Response(WorkspaceSettingsSerializer(row).data)
