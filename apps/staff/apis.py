from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.serializers import MeUser
from apps.core.api import ERROR_RESPONSES, NoStoreMixin
from apps.rbac.api import LIST_BACKENDS, WorkspaceApi
from apps.rbac.models import RoleAssignment

from . import selectors, services
from .models import Invitation, StaffProfile
from .serializers import (
    AcceptInput,
    InvitationInput,
    InvitationOutput,
    StaffOutput,
    StaffRolesInput,
    StaffUpdateInput,
)


class StaffFilter(filters.FilterSet):
    role = filters.CharFilter(method="filter_role")

    class Meta:
        model = StaffProfile
        fields = ["is_active", "role"]

    def filter_role(self, queryset, name, value):
        return queryset.filter(user_id__in=RoleAssignment.objects.filter(role__key=value).values("user_id"))


class StaffListApi(WorkspaceApi):
    perms = {"GET": "staff:view"}
    serializer_class = StaffOutput
    filter_backends = LIST_BACKENDS
    filterset_class = StaffFilter
    search_fields = ["email", "display_name", "phone"]
    ordering_fields = ["email", "joined_at", "id"]

    def get_queryset(self):
        return selectors.staff_list(access=self.access)

    @extend_schema(tags=["staff"], summary="List staff with their roles and branches",
                   responses={200: StaffOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(StaffOutput(page, many=True,
                                                       context=selectors.staff_page_context(page)).data)


class StaffDetailApi(WorkspaceApi):
    perms = {"GET": "staff:view", "PATCH": "staff:change"}
    serializer_class = StaffOutput

    def get_queryset(self):
        return selectors.staff_list(access=self.access, perm=self.perm_name())

    def _out(self, profile):
        return StaffOutput(profile, context=selectors.staff_page_context([profile])).data

    @extend_schema(tags=["staff"], summary="A staff member", responses={200: StaffOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(self._out(self.get_object()))

    @extend_schema(tags=["staff"], summary="Change a staff member's profile", request=StaffUpdateInput,
                   responses={200: StaffOutput, **ERROR_RESPONSES})
    def patch(self, request, pk):
        profile = self.get_object()
        data = StaffUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(self._out(services.staff_update(profile=profile, actor=self.actor, **data.validated_data)))


class StaffDeactivateApi(StaffDetailApi):
    perms = {"POST": "staff:change"}

    @extend_schema(tags=["staff"], summary="Deactivate: the member loses access here at once",
                   request=None, responses={200: StaffOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        return Response(self._out(services.staff_deactivate(profile=self.get_object(), actor=self.actor)))


class StaffReactivateApi(StaffDetailApi):
    perms = {"POST": "staff:change"}

    @extend_schema(tags=["staff"], summary="Reactivate (counts against the plan's staff limit)",
                   request=None, responses={200: StaffOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        return Response(self._out(services.staff_reactivate(profile=self.get_object(), actor=self.actor)))


class StaffRolesApi(StaffDetailApi):
    perms = {"PUT": "role:change"}

    @extend_schema(tags=["staff"], summary="Replace a member's roles, each optionally limited to branches",
                   request=StaffRolesInput, responses={200: StaffOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Teacher at one branch", request_only=True,
                                            value={"roles": [{"role": "teacher", "branches": [1]}]})])
    def put(self, request, pk):
        profile = self.get_object()
        data = StaffRolesInput(data=request.data)
        data.is_valid(raise_exception=True)
        grants = [(item["role"], item.get("branches", [])) for item in data.validated_data["roles"]]
        services.staff_roles_set(profile=profile, grants=grants, actor=self.actor, actor_access=self.access)
        return Response(self._out(profile))


class InvitationFilter(filters.FilterSet):
    class Meta:
        model = Invitation
        fields = ["status", "email"]


class InvitationListApi(WorkspaceApi):
    perms = {"GET": "invitation:view", "POST": "invitation:add"}
    serializer_class = InvitationOutput
    filter_backends = LIST_BACKENDS
    filterset_class = InvitationFilter
    search_fields = ["email", "full_name"]
    ordering_fields = ["created_at", "expires_at", "id"]

    def get_queryset(self):
        return selectors.invitation_list()

    @extend_schema(tags=["staff"], summary="List invitations",
                   responses={200: InvitationOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(InvitationOutput(page, many=True).data)

    @extend_schema(tags=["staff"], summary="Invite a staff member by email",
                   description="Emails the invitee a link valid for 7 days (the link is never in the response). "
                               "You can only give roles whose permissions you hold "
                               "(`grant_too_wide`). Counts against the plan's staff limit (`plan_limit_reached`).",
                   request=InvitationInput, responses={201: InvitationOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Teacher at Gangnam", request_only=True, value={
                       "email": "teacher@example.com", "full_name": "Lee Teacher", "roles": ["teacher"],
                       "branches": [1]})])
    def post(self, request):
        data = InvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _url = services.invitation_create(actor=self.actor, actor_access=self.access,
                                                      **data.validated_data)
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailApi(WorkspaceApi):
    perms = {"GET": "invitation:view", "DELETE": "invitation:delete"}
    serializer_class = InvitationOutput

    def get_queryset(self):
        return selectors.invitation_list()

    @extend_schema(tags=["staff"], summary="An invitation", responses={200: InvitationOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(InvitationOutput(self.get_object()).data)

    @extend_schema(tags=["staff"], summary="Withdraw an invitation (the link stops working)",
                   responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, pk):
        services.invitation_revoke(invitation=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResendApi(InvitationDetailApi):
    perms = {"POST": "invitation:change"}

    @extend_schema(tags=["staff"], summary="Send a new link (the old one stops working; 7 more days)",
                   request=None, responses={200: InvitationOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        invitation, _url = services.invitation_resend(invitation=self.get_object(), actor=self.actor)
        return Response(InvitationOutput(invitation).data)


class InvitationAcceptApi(NoStoreMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["staff"], summary="Accept an invitation",
                   description="New to the platform: choose a password. Already have an account: give its "
                               "password. Errors: `invitation_invalid`, `invitation_expired`, `invitation_used`, "
                               "`invitation_revoked`, `invalid_credentials`, `account_exists` (an account "
                               "without a password: set it through the password reset email first).",
                   request=AcceptInput, responses={200: MeUser, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Accept", request_only=True,
                                            value={"token": "…", "password": "a long passphrase",
                                                   "full_name": "Lee Teacher"})])
    def post(self, request):
        data = AcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.invitation_accept(**data.validated_data)
        return Response(MeUser(user).data)
