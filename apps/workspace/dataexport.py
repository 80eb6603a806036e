"""The workspace's own settings in its export (apps.workspace.export): one JSON document."""

from apps.core.datasets import dataset

from .models import WorkspaceSettings

dataset("workspace/settings", WorkspaceSettings, single=True)
