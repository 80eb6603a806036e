"""A person's token sessions on this workspace (apps.accounts.sessions): list, end one,
end all the others. Thin: parse, call a service, serialize."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES

from . import serializers, sessions
from .apis import IsPerson


def _current(request):
    return request.auth.get("sid") if hasattr(request.auth, "get") else None


class SessionListApi(APIView):
    permission_classes = [IsAuthenticated, IsPerson]

    @extend_schema(
        tags=["auth"], responses={200: serializers.TokenSessionOutput(many=True), **ERROR_RESPONSES},
        summary="Your sessions and devices here",
        description="Every login of yours on this workspace that can still refresh its tokens, last used first: "
                    "device (from the user agent), IP address, when it started and was last used. `current` marks "
                    "the one making this request.",
        examples=[OpenApiExample("A phone", response_only=True, value={  # the list of them: drf-spectacular
            "id": "7d0f5c1e-3a52-4c4e-9f0e-2b8a6d1c9e41", "device": "Safari on iOS",
            "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) ... Safari/604.1",
            "ip": "203.0.113.7", "created_at": "2026-12-01T09:00:00+09:00",
            "last_used_at": "2026-12-01T18:30:00+09:00", "expires_at": "2026-12-08T18:30:00+09:00",
            "current": True})],
    )
    def get(self, request):
        current = _current(request)
        rows = [{"public_id": row.public_id, "device": sessions.device_label(row.user_agent),
                 "user_agent": row.user_agent, "ip": row.ip, "created_at": row.created_at,
                 "last_used_at": row.last_used_at, "expires_at": row.expires_at,
                 "current": str(row.public_id) == current}
                for row in sessions.active_sessions(user=request.user, tenant=request.tenant)]
        return Response(serializers.TokenSessionOutput(rows, many=True).data)


class SessionEndApi(APIView):
    permission_classes = [IsAuthenticated, IsPerson]

    @extend_schema(tags=["auth"], responses={204: None, **ERROR_RESPONSES}, summary="End one of your sessions",
                   description="That device can no longer refresh its tokens; its access token stops working "
                               "within its lifetime (15 minutes). 404 for a session that is not yours or has ended.")
    def delete(self, request, session):
        if not sessions.session_end(user=request.user, tenant=request.tenant, session=session):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionEndOthersApi(APIView):
    permission_classes = [IsAuthenticated, IsPerson]

    @extend_schema(tags=["auth"], request=None,
                   responses={200: serializers.TokenSessionsEndedOutput, **ERROR_RESPONSES},
                   summary="End all your other sessions here",
                   examples=[OpenApiExample("Ended", response_only=True, value={"ended": 2})])
    def post(self, request):
        ended = sessions.sessions_end_others(user=request.user, tenant=request.tenant, keep=_current(request))
        return Response({"ended": ended})
