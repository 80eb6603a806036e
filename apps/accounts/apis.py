"""Auth and identity API on tenant hosts (thin: parse, call a service, serialize)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.authz import catalogue
from apps.core.api import ERROR_RESPONSES, NoStoreMixin

from . import serializers, services
from .callers import api_access
from .selectors import member_kinds


class IsPerson(BasePermission):
    """A logged-in person (a JWT), not an integration's API key."""

    def has_permission(self, request, view):
        return bool(getattr(request.user, "pk", None))


TOKEN_PAIR_EXAMPLE = OpenApiExample("Token pair", response_only=True, value={
    "access": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl",
    "refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl"})


def _parse(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TokenObtainApi(NoStoreMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["auth"], request=serializers.TokenObtainInput,
        responses={200: serializers.TokenPairOutput, **ERROR_RESPONSES},
        summary="Log in with email and password",
        description="Returns an access token (15 min) and a refresh token (7 days) bound to this workspace. "
                    "Five failed attempts in a row lock the account for two hours (`account_locked`).",
        examples=[OpenApiExample("Login", value={"email": "owner@acme.example.com", "password": "..."},
                                 request_only=True), TOKEN_PAIR_EXAMPLE],
    )
    def post(self, request):
        data = _parse(serializers.TokenObtainInput, request)
        pair = services.token_obtain(tenant=request.tenant, email=data["email"], password=data["password"])
        return Response(pair)


class TokenRefreshApi(NoStoreMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], request=serializers.RefreshInput,
                   responses={200: serializers.TokenPairOutput, **ERROR_RESPONSES},
                   summary="Exchange a refresh token for a new pair (rotation)",
                   examples=[OpenApiExample("Refresh", request_only=True, value={"refresh": "eyJhbGciOi..."}),
                             TOKEN_PAIR_EXAMPLE])
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
    permission_classes = [IsAuthenticated, IsPerson]

    @extend_schema(tags=["auth"], responses={200: serializers.MeOutput, **ERROR_RESPONSES},
                   summary="Who am I here: user, workspace, roles and permissions",
                   examples=[OpenApiExample("Teacher", response_only=True, value={
                       "user": {"id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "email": "lee@acme.example.com",
                                "full_name": "Lee Teacher", "language": "ko"},
                       "tenant": {"slug": "acme", "name": "Acme Academy", "business_type": "academy",
                                  "locale": "ko", "timezone": "Asia/Seoul"},
                       "memberships": ["staff"], "roles": [{"key": "teacher", "name": "Teacher"}],
                       "active_role": None, "permissions": ["admin:access", "customer:view"]})])
    def get(self, request):
        user, tenant = request.user, request.tenant
        access = api_access(request)  # the token's active role; nothing unless staff here
        payload = {
            "user": user,
            "tenant": tenant,
            "memberships": sorted(member_kinds(user=user, tenant=tenant)),
            "roles": [{"key": key, "name": access.role_names[key]} for key in access.roles],
            "active_role": request.auth.get("active_role") if request.auth else None,
            # resource:action, as in the token (apps.accounts.tokens)
            "permissions": sorted(filter(None, (catalogue.key_of(name) for name in access.django_perms))),
        }
        return Response(serializers.MeOutput(payload).data)


class SwitchRoleApi(NoStoreMixin, APIView):
    permission_classes = [IsAuthenticated, IsPerson]

    @extend_schema(
        tags=["auth"], request=serializers.SwitchRoleInput,
        responses={200: serializers.TokenPairOutput, **ERROR_RESPONSES},
        summary="Act as one of your roles (new tokens)",
        description="Returns a new token pair whose `active_role` is the chosen role: requests made with it have "
                    "that role's permissions and branches only. `role: null` acts with all roles again. "
                    "Error `role_not_held` when you do not hold the role.",
        examples=[OpenApiExample("Teacher", value={"role": "teacher"}, request_only=True)],
    )
    def post(self, request):
        data = _parse(serializers.SwitchRoleInput, request)
        return Response(services.token_switch_role(tenant=request.tenant, user=request.user,
                                                   role=data["role"] or None, session=request.auth.get("sid")))


class CheckPermissionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"], parameters=[OpenApiParameter("perm", str, required=True,
                                                    description="resource:action, e.g. customer:view"),
                                   OpenApiParameter("branch", int, required=False,
                                                    description="Ask for one branch.")],
        responses={200: serializers.CheckPermissionOutput, **ERROR_RESPONSES},
        summary="May I? (for the caller: token's active role, or API key)",
        examples=[OpenApiExample("Teacher at branch 1", response_only=True, value={
            "perm": "customer:view", "allowed": True, "scope": "branch", "branches": [1], "active_role": "teacher"})],
    )
    def get(self, request):
        key = request.query_params.get("perm", "")
        django_name = catalogue.django_perm(key)
        access = api_access(request)
        grant = access.grant(django_name)
        branches = access.branch_ids(django_name)
        allowed = grant is not None
        branch = request.query_params.get("branch")
        if allowed and branch:
            if not branch.isdigit():
                raise ValidationError({"branch": [_("Give a branch id (a number).")]})
            allowed = branches is None or int(branch) in branches
        return Response(serializers.CheckPermissionOutput({
            "perm": key, "allowed": allowed, "scope": grant.scope if grant else None,
            "branches": None if branches is None else sorted(branches), "active_role": access.active_role,
        }).data)
