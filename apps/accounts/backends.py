"""Authentication by email with lockout, and permissions that depend on the host:

- public host: permissions only from HQ groups (superusers: everything);
- tenant host: permissions only from the user's active staff membership and roles in
  that tenant's schema. Nothing global leaks into a tenant, nothing of a tenant leaks out.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from apps.accounts import selectors
from apps.accounts.errors import LoginRefused
from apps.accounts.services import login_check
from apps.authz import sources
from apps.core.net import client_ip


class PlatformBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = email or username or kwargs.get("login")
        if not email or password is None:
            return None
        try:
            return login_check(email=email, password=password, ip=client_ip(request) if request is not None else None)
        except LoginRefused as refused:
            if request is not None:
                request.login_refused = refused  # lets login forms show why
            return None

    def get_user_permissions(self, user_obj, obj=None):
        return set()  # never per-user: always through groups (HQ) or roles (tenant)

    def get_group_permissions(self, user_obj, obj=None):
        if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
            return set()
        return super().get_group_permissions(user_obj, obj)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        schema = connection.schema_name
        cache_name = f"_platform_perms_{schema}"
        if not hasattr(user_obj, cache_name):
            if schema == settings.PUBLIC_SCHEMA_NAME:
                perms = super().get_group_permissions(user_obj)
            elif selectors.is_staff_member_here(user=user_obj):
                access = sources.access_for(user=user_obj)
                setattr(user_obj, f"_platform_access_{schema}", access)
                perms = access.django_perms
            else:
                perms = set()
            setattr(user_obj, cache_name, perms)
        return getattr(user_obj, cache_name)
