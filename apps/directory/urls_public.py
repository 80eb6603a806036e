"""The public directory, on the platform's host."""

from django.urls import path

from . import apis

urlpatterns = [
    path("directory/", apis.DirectoryListApi.as_view(), name="directory-list"),
    path("directory/<slug:slug>/", apis.DirectoryDetailApi.as_view(), name="directory-detail"),
]
