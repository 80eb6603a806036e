from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES

from .evaluation import flags_for

FlagsOutput = inline_serializer(name="Flags", fields={
    "flags": serializers.DictField(child=serializers.BooleanField(), help_text="Flag key -> on/off.")})


class FlagsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["flags"], responses={200: FlagsOutput, **ERROR_RESPONSES},
                   summary="Feature flags for the caller's workspace and user",
                   examples=[OpenApiExample("Flags", value={"flags": {"new-dashboard": True, "kiosk": False}},
                                            response_only=True)])
    def get(self, request):
        return Response({"flags": flags_for(tenant=request.tenant, user=request.user)})
