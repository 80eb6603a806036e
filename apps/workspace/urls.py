from django.urls import path

from . import apis
from .domains import apis as domain_apis
from .export.urls import urlpatterns as export_urlpatterns

urlpatterns = [path("settings/", apis.WorkspaceSettingsApi.as_view(), name="workspace-settings"),
               path("domains/", domain_apis.DomainListApi.as_view(), name="workspace-domains"),
               path("domains/<int:pk>/", domain_apis.DomainDetailApi.as_view(), name="workspace-domain"),
               *export_urlpatterns]
