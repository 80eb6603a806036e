from django.urls import path

from . import apis, hub_apis, session_apis
from .social.apis import SocialTokenApi

urlpatterns = [
    path("auth/token/", apis.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/token/refresh/", apis.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("auth/token/verify/", apis.TokenVerifyApi.as_view(), name="auth-token-verify"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/switch-role/", apis.SwitchRoleApi.as_view(), name="auth-switch-role"),
    path("auth/check-permission/", hub_apis.PermissionCheckApi.as_view(), name="auth-check-permission"),
    path("auth/userinfo/", hub_apis.UserinfoApi.as_view(), name="auth-userinfo"),
    path("auth/introspect/", hub_apis.IntrospectApi.as_view(), name="auth-introspect"),
    path("auth/sessions/", session_apis.SessionListApi.as_view(), name="auth-sessions"),
    path("auth/sessions/end-others/", session_apis.SessionEndOthersApi.as_view(), name="auth-sessions-end-others"),
    path("auth/sessions/<uuid:session>/", session_apis.SessionEndApi.as_view(), name="auth-session"),
    path("auth/social/<str:provider>/", SocialTokenApi.as_view(), name="auth-social"),  # Kakao, Naver
    path("me/", apis.MeApi.as_view(), name="me"),
]
