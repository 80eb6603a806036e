from django.urls import path

from . import apis

urlpatterns = [
    path("exports/", apis.ExportListApi.as_view(), name="export-list"),
    path("exports/<int:pk>/", apis.ExportDetailApi.as_view(), name="export-detail"),
    path("customers/<int:pk>/personal-export/", apis.PersonalExportApi.as_view(), name="customer-personal-export"),
]
