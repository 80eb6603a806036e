"""The workspace's own listing, on its host."""

from django.urls import path

from . import apis

urlpatterns = [path("listing/", apis.ListingApi.as_view(), name="directory-listing")]
