from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.serializers import text


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

    def to_representation(self, instance):
        """The fields above, written out. /api/v1/me/ answers every app start and screen,
        and DRF's way (a deep copy of these 22 fields and their nesting for each answer,
        then one call per field and list item) was about a seventh of its time. The same
        answer as DRF's (apps/accounts/tests/test_me.py compares them), which the schema
        still describes from the fields."""
        user, tenant = instance["user"], instance["tenant"]
        return {
            "user": {"id": text(user.public_id), "email": text(user.email), "full_name": text(user.full_name),
                     "language": text(user.language)},
            "tenant": {name: text(getattr(tenant, name)) for name in MeTenant._declared_fields},
            "memberships": [str(kind) for kind in instance["memberships"]],
            "roles": [{"key": text(role["key"]), "name": text(role["name"])} for role in instance["roles"]],
            "active_role": text(instance["active_role"]),
            "permissions": [str(name) for name in instance["permissions"]],
        }


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


# --- The identity hub (apps.accounts.hub_apis) --------------------------------------------


class UserinfoOutput(serializers.Serializer):
    sub = serializers.UUIDField(help_text="The person's public id (stable across workspaces).")
    email = serializers.EmailField()
    email_verified = serializers.BooleanField()
    name = serializers.CharField()
    locale = serializers.CharField()
    tenant = serializers.CharField(help_text="The workspace's slug.")
    memberships = serializers.ListField(child=serializers.CharField(), help_text="staff, customer")
    roles = serializers.ListField(child=serializers.CharField(), help_text="Role keys held here.")
    active_role = serializers.CharField(allow_null=True)
    permissions = serializers.ListField(child=serializers.CharField(), help_text="resource:action names.")
    branch = serializers.IntegerField(allow_null=True, help_text="The one branch they are limited to, if one.")
    branches = serializers.ListField(child=serializers.IntegerField(),
                                     help_text="The branches they are limited to; empty: not limited.")


class CheckPermissionInput(serializers.Serializer):
    permission = serializers.CharField(label=_("permission"), help_text="resource:action, e.g. order:create")
    branch = serializers.IntegerField(label=_("branch"), required=False, allow_null=True, min_value=1)
    user = serializers.UUIDField(label=_("user"), required=False, allow_null=True,
                                 help_text="Ask about this person (their public id, `sub`) instead of the caller: "
                                           "needs an API key with the identity:check scope.")


class PermissionCheckOutput(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.ChoiceField(choices=["granted", "not_granted", "other_branch", "not_a_member"])
    permission = serializers.CharField()
    user = serializers.UUIDField(allow_null=True, help_text="Whom it is about; null: the caller.")
    scope = serializers.CharField(allow_null=True, help_text="tenant, branch or own; null when not held.")
    branches = serializers.ListField(child=serializers.IntegerField(), allow_null=True,
                                     help_text="Branches where it applies; null means every branch.")
    active_role = serializers.CharField(allow_null=True)


class IntrospectInput(serializers.Serializer):
    token = serializers.CharField(label=_("token"), help_text="An access or refresh token.")
    token_type_hint = serializers.CharField(required=False, help_text="Ignored (RFC 7662 allows it).")


class IntrospectOutput(serializers.Serializer):
    """RFC 7662: only `active` when the token is not active here."""

    active = serializers.BooleanField()
    sub = serializers.UUIDField(required=False)
    tenant = serializers.CharField(required=False)
    client_id = serializers.CharField(required=False, help_text="The workspace the token was issued on.")
    token_type = serializers.ChoiceField(choices=["access", "refresh"], required=False)
    scope = serializers.CharField(required=False, help_text="The permissions, space-separated.")
    permissions = serializers.ListField(child=serializers.CharField(), required=False)
    roles = serializers.ListField(child=serializers.CharField(), required=False)
    active_role = serializers.CharField(allow_null=True, required=False)
    branch = serializers.IntegerField(allow_null=True, required=False)
    exp = serializers.IntegerField(required=False)
    iat = serializers.IntegerField(required=False)
    jti = serializers.CharField(required=False)


class TokenSessionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    device = serializers.CharField(help_text="Read from the user agent, e.g. “Chrome on Windows”.")
    user_agent = serializers.CharField()
    ip = serializers.IPAddressField(allow_null=True)
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    current = serializers.BooleanField(help_text="The session of the token making this request.")


class TokenSessionsEndedOutput(serializers.Serializer):
    ended = serializers.IntegerField()
