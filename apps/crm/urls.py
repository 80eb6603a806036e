from django.urls import path

from . import apis

urlpatterns = [
    path("customers/", apis.CustomerListApi.as_view(), name="customer-list"),
    path("customers/import/", apis.CustomerImportApi.as_view(), name="customer-import"),
    path("customers/export/", apis.CustomerExportApi.as_view(), name="customer-export"),
    path("customers/<int:pk>/", apis.CustomerDetailApi.as_view(), name="customer-detail"),
]
