from django.urls import path

from . import apis

urlpatterns = [
    path("signup/", apis.SignupApi.as_view(), name="platform-signup"),
]
