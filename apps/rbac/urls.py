from django.urls import path

from . import apis

urlpatterns = [
    path("roles/", apis.RoleListApi.as_view(), name="role-list"),
    path("roles/<int:pk>/", apis.RoleDetailApi.as_view(), name="role-detail"),
    path("permissions/", apis.PermissionListApi.as_view(), name="permission-list"),
]
