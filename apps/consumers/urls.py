from django.urls import path

from . import apis

urlpatterns = [
    path("auth/register/", apis.RegisterApi.as_view(), name="consumer-register"),
    path("my/profile/", apis.ProfileApi.as_view(), name="my-profile"),
    path("my/consents/", apis.ConsentListApi.as_view(), name="my-consents"),
]
