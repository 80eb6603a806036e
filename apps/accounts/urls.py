from django.urls import path

from . import apis

urlpatterns = [
    path("auth/token/", apis.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/token/refresh/", apis.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("auth/token/verify/", apis.TokenVerifyApi.as_view(), name="auth-token-verify"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/switch-role/", apis.SwitchRoleApi.as_view(), name="auth-switch-role"),
    path("auth/check-permission/", apis.CheckPermissionApi.as_view(), name="auth-check-permission"),
    path("me/", apis.MeApi.as_view(), name="me"),
]
