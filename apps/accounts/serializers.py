from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TokenObtainInput(serializers.Serializer):
    email = serializers.EmailField(label=_("email"))
    password = serializers.CharField(label=_("password"), trim_whitespace=False, write_only=True,
                                     style={"input_type": "password"})


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(label=_("refresh token"))


class VerifyInput(serializers.Serializer):
    token = serializers.CharField(label=_("token"))


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField(help_text="Access token, valid 15 minutes.")
    refresh = serializers.CharField(help_text="Refresh token, valid 7 days, usable once.")


class VerifyOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    type = serializers.CharField()
    expires_at = serializers.DateTimeField()


class MeUser(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    email = serializers.EmailField()
    full_name = serializers.CharField()
    language = serializers.CharField()


class MeTenant(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    business_type = serializers.CharField()
    locale = serializers.CharField()
    timezone = serializers.CharField()


class MeRole(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class MeOutput(serializers.Serializer):
    user = MeUser()
    tenant = MeTenant()
    memberships = serializers.ListField(child=serializers.CharField(), help_text="Membership kinds held here.")
    roles = MeRole(many=True)
    active_role = serializers.CharField(allow_null=True)
    permissions = serializers.ListField(child=serializers.CharField(),
                                        help_text="resource:action names, e.g. customer:view (as in the token).")


class SwitchRoleInput(serializers.Serializer):
    role = serializers.CharField(allow_null=True, allow_blank=True,
                                 help_text=_("A role key you hold, or null to act with all your roles."))


class CheckPermissionOutput(serializers.Serializer):
    perm = serializers.CharField()
    allowed = serializers.BooleanField()
    scope = serializers.CharField(allow_null=True, help_text="tenant, branch or own; null when not allowed.")
    branches = serializers.ListField(child=serializers.IntegerField(), allow_null=True,
                                     help_text="Branches where it applies; null means every branch.")
    active_role = serializers.CharField(allow_null=True)
