from django.urls import path

from . import apis

urlpatterns = [
    path("branches/", apis.BranchListApi.as_view(), name="branch-list"),
    path("branches/<int:pk>/", apis.BranchDetailApi.as_view(), name="branch-detail"),
]
