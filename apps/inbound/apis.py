from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ErrorSerializer

from .services import inbound_receive

ReceiptSerializer = inline_serializer(name="WebhookReceipt", fields={
    "id": serializers.CharField(), "status": serializers.CharField(), "duplicate": serializers.BooleanField()})


class InboundWebhookApi(APIView):
    """Base for webhook endpoints: set `source` and `secret_setting` (a setting name)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    source: str = ""
    secret_setting: str = ""

    @extend_schema(
        tags=["webhooks"], request={"application/json": dict},
        responses={202: ReceiptSerializer, 200: OpenApiResponse(ReceiptSerializer, description="Duplicate, ignored"),
                   400: ErrorSerializer, 401: ErrorSerializer, 422: ErrorSerializer},
        description="Standard Webhooks: headers webhook-id, webhook-timestamp (within 5 minutes) and "
                    "webhook-signature (v1, HMAC-SHA256 of id.timestamp.body); body "
                    '{"type": "...", "data": {...}}. Stored before processing; duplicates by webhook-id ignored.',
    )
    def post(self, request):
        event, created = inbound_receive(source=self.source, request=request._request,
                                         secret=getattr(settings, self.secret_setting))
        body = {"id": event.event_id, "status": event.status, "duplicate": not created}
        return Response(body, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)
