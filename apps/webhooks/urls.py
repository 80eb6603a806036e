from django.urls import path

from . import apis

urlpatterns = [
    path("webhook-events/", apis.WebhookEventListApi.as_view(), name="webhook-event-list"),
    path("webhook-endpoints/", apis.WebhookEndpointListApi.as_view(), name="webhook-endpoint-list"),
    path("webhook-endpoints/<int:pk>/", apis.WebhookEndpointDetailApi.as_view(), name="webhook-endpoint-detail"),
    path("webhook-endpoints/<int:pk>/rotate-secret/", apis.WebhookEndpointRotateSecretApi.as_view(),
         name="webhook-endpoint-rotate-secret"),
    path("webhook-endpoints/<int:pk>/replay/", apis.WebhookEndpointReplayApi.as_view(),
         name="webhook-endpoint-replay"),
    path("webhook-endpoints/<int:pk>/attempts/", apis.WebhookEndpointAttemptListApi.as_view(),
         name="webhook-endpoint-attempts"),
]
