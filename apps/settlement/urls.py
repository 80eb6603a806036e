"""Tenant host: /api/v1/settlements/ (the workspace's settlement statements)."""

from django.urls import path

from . import apis

urlpatterns = [
    path("settlements/", apis.SettlementListApi.as_view(), name="settlement-list"),
    path("settlements/<int:pk>/", apis.SettlementDetailApi.as_view(), name="settlement-detail"),
    path("settlements/<int:pk>/lines/", apis.SettlementLinesApi.as_view(), name="settlement-lines"),
]
