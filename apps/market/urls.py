from django.urls import path

from . import apis

urlpatterns = [
    path("tenants/", apis.MarketTenantCreateApi.as_view(), name="platform-market-tenant-create"),
    path("introspect/", apis.PlatformIntrospectApi.as_view(), name="platform-introspect"),
    path("webhooks/service-market/", apis.ServiceMarketWebhookApi.as_view(), name="platform-market-webhook"),
]
