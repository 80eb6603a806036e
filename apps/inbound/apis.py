from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ErrorSerializer

from .services import inbound_receive

ReceiptSerializer = inline_serializer(name="WebhookReceipt", fields={
    "id": serializers.CharField(), "status": serializers.CharField(), "duplicate": serializers.BooleanField()})

EventSerializer = inline_serializer(name="WebhookEvent", fields={
    "type": serializers.CharField(help_text="The event type, e.g. payment.succeeded."),
    "data": serializers.DictField(help_text="The event's facts; what is required depends on the type.")})

SIGNATURE_PARAMETERS = [
    OpenApiParameter("webhook-id", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                     description="The event's unique id; a repeated id is a duplicate."),
    OpenApiParameter("webhook-timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                     description="Unix seconds when it was sent; must be within 5 minutes of now."),
    OpenApiParameter("webhook-signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                     description="`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the shared secret "
                                 "(several, space-separated, while a secret is rotated)."),
]
RECEIPT_EXAMPLES = [
    OpenApiExample("Accepted", response_only=True, status_codes=["202"],
                   value={"id": "msg_2mXkFv0bT9", "status": "received", "duplicate": False}),
    OpenApiExample("Duplicate", response_only=True, status_codes=["200"],
                   value={"id": "msg_2mXkFv0bT9", "status": "processed", "duplicate": True}),
]


def webhook_examples(events: dict[str, dict]) -> list[OpenApiExample]:
    """Request examples, one per event type, plus the receipts: for a subclass's
    `extend_schema_view(post=extend_schema(examples=...))`."""
    return [OpenApiExample(event_type, request_only=True, value={"type": event_type, "data": data})
            for event_type, data in events.items()] + RECEIPT_EXAMPLES


class InboundWebhookApi(APIView):
    """Base for webhook endpoints: set `source` and `secret_setting` (a setting name)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    source: str = ""
    secret_setting: str = ""

    @extend_schema(
        tags=["webhooks"], request={"application/json": EventSerializer}, parameters=SIGNATURE_PARAMETERS,
        responses={202: ReceiptSerializer, 200: OpenApiResponse(ReceiptSerializer, description="Duplicate, ignored"),
                   400: OpenApiResponse(ErrorSerializer, description="Not a JSON object with type and data "
                                                                     "(`malformed_payload`)."),
                   401: OpenApiResponse(ErrorSerializer, description="Signature missing or wrong "
                                                                     "(`invalid_signature`), or too old "
                                                                     "(`stale_webhook`)."),
                   422: OpenApiResponse(ErrorSerializer, description="Unknown event type "
                                                                     "(`unknown_event_type`).")},
        examples=RECEIPT_EXAMPLES,
        description="Standard Webhooks: headers webhook-id, webhook-timestamp (within 5 minutes) and "
                    "webhook-signature (v1, HMAC-SHA256 of id.timestamp.body); body "
                    '{"type": "...", "data": {...}}. Stored before processing; duplicates by webhook-id ignored.',
    )
    def post(self, request):
        event, created = inbound_receive(source=self.source, request=request._request,
                                         secret=getattr(settings, self.secret_setting))
        body = {"id": event.event_id, "status": event.status, "duplicate": not created}
        return Response(body, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)
