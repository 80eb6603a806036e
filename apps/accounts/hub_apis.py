"""The identity hub's API on tenant hosts, for services that lean on the platform (an OMS
asking who a token's person is and what they may do): userinfo, check-permission,
token introspection.
Thin: parse, ask apps.accounts.hub, serialize."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.authz import catalogue
from apps.core.api import ERROR_RESPONSES, NoStoreMixin

from . import hub, serializers
from .apis import CheckPermissionApi, IsPerson, _parse
from .callers import api_access
from .errors import HubScopeMissing

SUB = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"


class UserinfoApi(APIView):
    permission_classes = [IsAuthenticated, IsPerson]

    @extend_schema(
        tags=["auth"], responses={200: serializers.UserinfoOutput, **ERROR_RESPONSES},
        summary="The caller's identity (OpenID Connect userinfo)",
        description="For services that receive a person's access token: who they are (`sub`, `email`, "
                    "`email_verified`, `name`, `locale`, as OIDC's standard claims), the workspace (`tenant`), "
                    "and what they may do here now (roles, permissions as resource:action, branches). Services "
                    "may also verify the token themselves with the keys at `/.well-known/jwks.json`.",
        examples=[OpenApiExample("Teacher at one branch", response_only=True, value={
            "sub": SUB, "email": "lee@acme.example.com", "email_verified": True, "name": "Lee Teacher",
            "locale": "ko", "tenant": "acme", "memberships": ["staff"], "roles": ["teacher"],
            "active_role": None, "permissions": ["admin:access", "customer:view"], "branch": 1,
            "branches": [1]})],
    )
    def get(self, request):
        return Response(serializers.UserinfoOutput(hub.userinfo(request=request)).data)


class PermissionCheckApi(CheckPermissionApi):
    """GET (the caller, `?perm=`) as before; POST asks about the caller or, for a service
    whose API key has the identity:check scope, about someone else."""

    @extend_schema(
        tags=["auth"], request=serializers.CheckPermissionInput,
        responses={200: serializers.PermissionCheckOutput, **ERROR_RESPONSES},
        summary="May the caller (or a person, for a service) do this?",
        description="Without `user`: about the caller (a person's token: their active role; an API key: its own "
                    "scopes). With `user` (a person's `sub`): about that person's roles in this workspace; needs an "
                    "API key with the `identity:check` scope (`scope_missing` otherwise). `reason`: `granted`, "
                    "`not_granted`, `other_branch` (held, in other branches only) or `not_a_member` (no such "
                    "person in this workspace). An unknown permission is `unknown_permission` (400).",
        examples=[
            OpenApiExample("The caller, at a branch", request_only=True,
                           value={"permission": "order:create", "branch": 1}),
            OpenApiExample("A service asks about a person", request_only=True,
                           value={"user": SUB, "permission": "order:create", "branch": 1}),
            OpenApiExample("Allowed", response_only=True, value={
                "allowed": True, "reason": "granted", "permission": "order:create", "user": SUB,
                "scope": "branch", "branches": [1], "active_role": None}),
            OpenApiExample("Other branch", response_only=True, value={
                "allowed": False, "reason": "other_branch", "permission": "order:create", "user": SUB,
                "scope": "branch", "branches": [2], "active_role": None}),
        ],
    )
    def post(self, request):
        data = _parse(serializers.CheckPermissionInput, request)
        if data.get("user"):
            if not hub.may_check_others(request):
                raise HubScopeMissing(hub.CHECK_SCOPE)
            check = hub.check_for_person(public_id=data["user"], permission=data["permission"],
                                         branch=data.get("branch"))
        else:
            me = request.user if getattr(request.user, "pk", None) else None
            check = hub.permission_check(access=api_access(request), permission=data["permission"],
                                         branch=data.get("branch"), user=me)
        return Response(serializers.PermissionCheckOutput(check).data)


class IntrospectApi(NoStoreMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"], request=serializers.IntrospectInput,
        responses={200: serializers.IntrospectOutput, **ERROR_RESPONSES},
        summary="Token introspection (RFC 7662)",
        description="For a service with an API key of this workspace holding the `token:introspect` scope "
                    "(`scope_missing` otherwise). `token` as JSON or form field. A token that is not active here "
                    "(invalid, expired, revoked, of another workspace, or of a person no longer a member) answers "
                    "only `{\"active\": false}`.",
        examples=[
            OpenApiExample("Ask", request_only=True, value={"token": "eyJhbGciOiJSUzI1NiIsImtpZCI6Ii4uLiJ9..."}),
            OpenApiExample("Active", response_only=True, value={
                "active": True, "sub": SUB, "tenant": "acme", "client_id": "acme", "token_type": "access",
                "scope": "admin:access customer:view", "permissions": ["admin:access", "customer:view"],
                "roles": ["teacher"], "active_role": None, "branch": 1, "exp": 1767229200, "iat": 1767228300,
                "jti": "5f0c6a1e9d8b4c7e8a2f3b1d6c9e0a4b"}),
            OpenApiExample("Not active", response_only=True, value={"active": False}),
        ],
    )
    def post(self, request):
        if not api_access(request).has(catalogue.django_perm(hub.INTROSPECT_SCOPE)):
            raise HubScopeMissing(hub.INTROSPECT_SCOPE)
        data = _parse(serializers.IntrospectInput, request)
        answer = hub.introspect(token=hub.decoded_token(data["token"]), tenant=request.tenant)
        return Response(serializers.IntrospectOutput(answer).data if answer["active"] else answer)
