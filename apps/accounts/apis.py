"""Auth and identity API on tenant hosts (thin: parse, call a service, serialize)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES
from apps.rbac.selectors import permissions_for, roles_for

from . import serializers, services
from .models import Membership


def _parse(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TokenObtainApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["auth"], request=serializers.TokenObtainInput,
        responses={200: serializers.TokenPairOutput, **ERROR_RESPONSES},
        summary="Log in with email and password",
        description="Returns an access token (15 min) and a refresh token (7 days) bound to this workspace. "
                    "Five failed attempts in a row lock the account for two hours (`account_locked`).",
        examples=[OpenApiExample("Login", value={"email": "owner@acme.example.com", "password": "..."},
                                 request_only=True)],
    )
    def post(self, request):
        data = _parse(serializers.TokenObtainInput, request)
        pair = services.token_obtain(tenant=request.tenant, email=data["email"], password=data["password"])
        return Response(pair)


class TokenRefreshApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], request=serializers.RefreshInput,
                   responses={200: serializers.TokenPairOutput, **ERROR_RESPONSES},
                   summary="Exchange a refresh token for a new pair (rotation)")
    def post(self, request):
        data = _parse(serializers.RefreshInput, request)
        return Response(services.token_refresh(tenant=request.tenant, refresh=data["refresh"]))


class TokenVerifyApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], request=serializers.VerifyInput,
                   responses={200: serializers.VerifyOutput, **ERROR_RESPONSES}, summary="Check a token")
    def post(self, request):
        data = _parse(serializers.VerifyInput, request)
        result = services.token_verify(tenant=request.tenant, token=data["token"])
        return Response(serializers.VerifyOutput(result).data)


class LogoutApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], request=serializers.RefreshInput, responses={204: None, **ERROR_RESPONSES},
                   summary="Log out (revoke the refresh token)")
    def post(self, request):
        data = _parse(serializers.RefreshInput, request)
        services.token_revoke(tenant=request.tenant, refresh=data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["auth"], responses={200: serializers.MeOutput, **ERROR_RESPONSES},
                   summary="Who am I here: user, workspace, roles and permissions")
    def get(self, request):
        user, tenant = request.user, request.tenant
        kinds = Membership.objects.filter(user=user, tenant=tenant, status=Membership.Status.ACTIVE)
        payload = {
            "user": user,
            "tenant": tenant,
            "memberships": sorted(kinds.values_list("kind", flat=True)),
            "roles": roles_for(user=user),
            "active_role": request.auth.get("active_role") if request.auth else None,
            "permissions": sorted(permissions_for(user=user)),
        }
        return Response(serializers.MeOutput(payload).data)
