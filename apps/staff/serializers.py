from rest_framework import serializers

from apps.branches.models import Branch
from apps.core.serializers import ModelSerializer
from apps.rbac.models import Role

from .models import Invitation, StaffProfile


class StaffRoleOutput(serializers.Serializer):
    key = serializers.CharField(source="role.key")
    name = serializers.CharField(source="role.name")
    branches = serializers.SerializerMethodField()

    def get_branches(self, assignment) -> list[int]:
        return sorted(b.pk for b in assignment.branches.all())


class StaffOutput(ModelSerializer):
    user_id = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = StaffProfile
        fields = ["id", "user_id", "email", "display_name", "phone", "is_active", "joined_at", "deactivated_at",
                  "roles"]

    def get_user_id(self, profile) -> str | None:
        value = self.context.get("public_ids", {}).get(profile.user_id)
        return str(value) if value else None

    def get_roles(self, profile) -> list[dict]:
        return StaffRoleOutput(self.context.get("assignments", {}).get(profile.user_id, []), many=True).data


class StaffUpdateInput(serializers.Serializer):
    display_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)


class RoleGrantInput(serializers.Serializer):
    role = serializers.SlugRelatedField(slug_field="key", queryset=Role.objects.all())
    branches = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), many=True, required=False)


class StaffRolesInput(serializers.Serializer):
    roles = RoleGrantInput(many=True)


class InvitationOutput(ModelSerializer):
    roles = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "full_name", "roles", "branches", "status", "expires_at", "sent_count",
                  "last_sent_at", "accepted_at", "created_at"]

    def get_status(self, invitation) -> str:
        return "expired" if invitation.is_expired else invitation.status


class InvitationInput(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    roles = serializers.SlugRelatedField(slug_field="key", queryset=Role.objects.filter(is_active=True), many=True)
    branches = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.filter(is_active=True), many=True,
                                                  required=False)


class AcceptInput(serializers.Serializer):
    token = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
