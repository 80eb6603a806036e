from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES, NoStoreMixin
from apps.rbac.api import WorkspaceApi

from . import selectors, services
from .serializers import (
    AttemptOutput,
    EndpointCreatedOutput,
    EndpointInput,
    EndpointOutput,
    EndpointUpdateInput,
    EventTypeOutput,
    ReplayInput,
    ReplayOutput,
    SecretOutput,
)

TAGS = ["webhooks"]


class WebhookEventListApi(WorkspaceApi):
    perms = {"GET": "webhookendpoint:view"}
    pagination_class = None

    @extend_schema(tags=TAGS, summary="The events an endpoint can subscribe to",
                   responses={200: EventTypeOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        return Response(EventTypeOutput(selectors.event_catalogue(), many=True).data)


class WebhookEndpointListApi(NoStoreMixin, WorkspaceApi):
    perms = {"GET": "webhookendpoint:view", "POST": "webhookendpoint:add"}
    serializer_class = EndpointOutput

    def get_queryset(self):
        return selectors.endpoints()

    @extend_schema(tags=TAGS, summary="List webhook endpoints (never the secrets)",
                   responses={200: EndpointOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EndpointOutput(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Register a webhook endpoint (its secret is shown once)",
                   description="Messages follow the Standard Webhooks spec (webhook-id, webhook-timestamp, "
                               "webhook-signature headers; verify with the `standardwebhooks` libraries).",
                   request=EndpointInput, responses={201: EndpointCreatedOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Orders", request_only=True, value={
                       "url": "https://example.com/hooks", "events": ["order.created", "order.cancelled"],
                       "description": "Shop backend"})])
    def post(self, request):
        data = EndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(**data.validated_data, actor=self.actor)
        endpoint = self.get_queryset().get(pk=endpoint.pk)
        endpoint.secret = secret
        return Response(EndpointCreatedOutput(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailApi(WorkspaceApi):
    perms = {"GET": "webhookendpoint:view", "PATCH": "webhookendpoint:change", "PUT": "webhookendpoint:change",
             "DELETE": "webhookendpoint:delete"}
    serializer_class = EndpointOutput

    def get_queryset(self):
        return selectors.endpoints()

    @extend_schema(tags=TAGS, summary="A webhook endpoint", responses={200: EndpointOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(EndpointOutput(self.get_object()).data)

    @extend_schema(tags=TAGS, summary="Change a webhook endpoint", request=EndpointUpdateInput,
                   responses={200: EndpointOutput, **ERROR_RESPONSES})
    def patch(self, request, pk):
        return self._update(request, partial=True)

    @extend_schema(tags=TAGS, summary="Replace a webhook endpoint's URL, events and description",
                   request=EndpointInput, responses={200: EndpointOutput, **ERROR_RESPONSES})
    def put(self, request, pk):
        return self._update(request, partial=False)

    def _update(self, request, *, partial: bool):
        endpoint = self.get_object()
        data = (EndpointUpdateInput if partial else EndpointInput)(data=request.data)
        data.is_valid(raise_exception=True)
        services.endpoint_update(endpoint=endpoint, data=data.validated_data, actor=self.actor)
        return Response(EndpointOutput(self.get_queryset().get(pk=endpoint.pk)).data)

    @extend_schema(tags=TAGS, summary="Delete a webhook endpoint", responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, pk):
        services.endpoint_delete(endpoint=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointRotateSecretApi(NoStoreMixin, WorkspaceApi):
    perms = {"POST": "webhookendpoint:change"}

    def get_queryset(self):
        return selectors.endpoints()

    @extend_schema(tags=TAGS, summary="Rotate the endpoint's signing secret (the new one is shown once)",
                   description="The previous secret keeps signing for the overlap window "
                               "(WEBHOOKS_SECRET_OVERLAP_HOURS): messages carry both signatures meanwhile.",
                   request=None, responses={200: SecretOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        endpoint = self.get_object()
        secret, until = services.endpoint_secret_rotate(endpoint=endpoint, actor=self.actor)
        return Response(SecretOutput({"secret": secret, "previous_signs_until": until}).data)


class WebhookEndpointReplayApi(WorkspaceApi):
    perms = {"POST": "webhookendpoint:change"}

    def get_queryset(self):
        return selectors.endpoints()

    @extend_schema(tags=TAGS, summary="Send messages again",
                   description='`{"message": "msg_..."}`: that message (same webhook-id). `{"since": "<ISO time>"}`: '
                               "every message since then that was not delivered (also those missed while the "
                               "endpoint was disabled). `{}` on a disabled endpoint: everything since it was "
                               "disabled. A disabled endpoint is enabled again.",
                   request=ReplayInput, responses={202: ReplayOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        endpoint = self.get_object()
        data = ReplayInput(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.endpoint_replay(endpoint=endpoint, actor=self.actor, **data.validated_data)
        return Response(ReplayOutput({"messages": count, "status": "active"}).data, status=status.HTTP_202_ACCEPTED)


class WebhookEndpointAttemptListApi(WorkspaceApi):
    perms = {"GET": "webhookendpoint:view"}
    serializer_class = AttemptOutput

    def get_queryset(self):
        return selectors.endpoints()

    @extend_schema(tags=TAGS, summary="Delivery attempts to this endpoint, newest first",
                   responses={200: AttemptOutput(many=True), **ERROR_RESPONSES})
    def get(self, request, pk):
        endpoint = self.get_object()
        page = self.paginate_queryset(selectors.endpoint_attempts(endpoint))
        return self.get_paginated_response(AttemptOutput(page, many=True).data)
