from django.urls import path

from . import apis

urlpatterns = [
    path("tenants/status/<uuid:public_id>/", apis.TenantStatusApi.as_view(), name="platform-tenant-status"),
]
