from rest_framework import serializers

from apps.authz import catalogue
from apps.authz.scopes import Scope
from apps.core.serializers import ModelSerializer, StrictCharField, StrictSlugField

from .models import Role


class RoleOutput(ModelSerializer):
    permissions = serializers.SerializerMethodField(help_text="resource:action -> scope (tenant, branch, own).")

    class Meta:
        model = Role
        fields = ["id", "key", "name", "description", "is_active", "is_system", "template_key", "locked",
                  "permissions", "created_at"]

    def get_permissions(self, role) -> dict[str, str]:
        return {catalogue.key_for(g.permission.codename, g.permission.content_type.model): g.scope
                for g in role.grants.all()}


class RoleCreateInput(serializers.Serializer):
    key = StrictSlugField(max_length=50)
    name = StrictCharField(max_length=100)
    description = StrictCharField(required=False, allow_blank=True)
    permissions = serializers.DictField(child=serializers.ChoiceField(choices=Scope.choices), required=False)


class RoleUpdateInput(serializers.Serializer):
    name = StrictCharField(max_length=100, required=False)
    description = StrictCharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    permissions = serializers.DictField(child=serializers.ChoiceField(choices=Scope.choices), required=False)


class PermissionOutput(serializers.Serializer):
    key = serializers.CharField()
    django = serializers.CharField(help_text="The Django permission the admin checks.")
