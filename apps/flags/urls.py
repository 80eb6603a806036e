from django.urls import path

from .apis import FlagsApi

urlpatterns = [path("flags/", FlagsApi.as_view(), name="flags")]
