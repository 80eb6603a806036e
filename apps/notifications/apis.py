"""Everyone's own notifications on a workspace's host (/api/v1/my/...): a person logged in
here (a consumer or a staff member; never an API key) reads their in-app notifications
(newest first, with the unread count), marks them read, and chooses their channels.
Thin: parse, call a service or selector, serialise."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from apps.consumers.api import ConsumerCursorPagination
from apps.core.api import ERROR_RESPONSES

from . import selectors, services
from .errors import NotificationNotFound, PersonRequired
from .models import Notification
from .serializers import MarkedOutput, NotificationOutput, PreferencesSerializer

NOTIFICATION = {"id": 31, "event": "order.status_changed", "title": "Your order #1042: Ready",
                "body": "Hello Kim Jihoon,\n\nyour order #1042 is now: Ready.", "read": False, "read_at": None,
                "created_at": "2026-12-01T09:41:00Z"}


class IsPerson(BasePermission):
    """A person with their own account (the token's member of this workspace), not an API key."""

    def has_permission(self, request, view):
        if not getattr(request.user, "pk", None):
            raise PersonRequired()
        return True


class NotificationPagination(ConsumerCursorPagination):
    """The consumer API's pages (newest first), with the unread count."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread"] = selectors.unread_count(user=self.request.user)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread"] = {"type": "integer", "description": "Unread notifications in all."}
        return schema


class MyApi(GenericAPIView):
    permission_classes = [IsAuthenticated, IsPerson]
    queryset = Notification.objects.none()  # for the schema; requests read the selectors


class MyNotificationListApi(MyApi):
    serializer_class = NotificationOutput
    pagination_class = NotificationPagination

    @extend_schema(tags=["my"], summary="My notifications here, newest first, with the unread count",
                   responses={200: NotificationOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(selectors.my_notifications(user=request.user))
        return self.get_paginated_response(NotificationOutput(page, many=True).data)


class MyNotificationReadApi(MyApi):
    serializer_class = NotificationOutput

    @extend_schema(tags=["my"], summary="Mark one of my notifications read", request=None,
                   responses={200: NotificationOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Read", response_only=True,
                                            value={**NOTIFICATION, "read": True, "read_at": "2026-12-01T09:45:00Z"})])
    def post(self, request, pk):
        notification = selectors.my_notifications(user=request.user).filter(pk=pk).first()
        if notification is None:  # someone else's is as absent as a missing one
            raise NotificationNotFound(details={"notification": pk})
        return Response(NotificationOutput(services.notification_mark_read(notification=notification)).data)


class MyNotificationReadAllApi(MyApi):
    serializer_class = MarkedOutput

    @extend_schema(tags=["my"], summary="Mark all my notifications here read", request=None,
                   responses={200: MarkedOutput, **ERROR_RESPONSES})
    def post(self, request):
        marked = services.notifications_mark_all_read(user=request.user)
        return Response(MarkedOutput({"marked": marked, "unread": selectors.unread_count(user=request.user)}).data)


class MyPreferencesApi(MyApi):
    serializer_class = PreferencesSerializer

    @extend_schema(tags=["my"], summary="The channels I receive this business's messages on",
                   description="All channels are on until you turn one off. Marketing messages also need your "
                               "marketing consent (`/api/v1/my/profile/`).",
                   responses={200: PreferencesSerializer, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Preferences", response_only=True,
                                            value={"email": True, "sms": False, "alimtalk": True, "in_app": True})])
    def get(self, request):
        return Response(PreferencesSerializer(services.preferences_get(user=request.user)).data)

    @extend_schema(tags=["my"], summary="Choose the channels I receive this business's messages on",
                   description="Channels left out keep their setting.",
                   request=PreferencesSerializer, responses={200: PreferencesSerializer, **ERROR_RESPONSES},
                   examples=[OpenApiExample("No SMS", request_only=True, value={"sms": False})])
    def put(self, request):
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = services.preferences_update(user=request.user, **serializer.validated_data)
        return Response(PreferencesSerializer(preference).data)


