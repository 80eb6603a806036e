from django.urls import path

from . import apis
from .export.urls import urlpatterns as export_urlpatterns

urlpatterns = [path("settings/", apis.WorkspaceSettingsApi.as_view(), name="workspace-settings"),
               *export_urlpatterns]
