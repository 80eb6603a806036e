from django.urls import path

from . import apis

urlpatterns = [
    path("api-keys/", apis.ApiKeyListApi.as_view(), name="apikey-list"),
    path("api-keys/<int:pk>/", apis.ApiKeyDetailApi.as_view(), name="apikey-detail"),
]
