"""The workspace's branches in its export (apps.workspace.export)."""

from apps.core.datasets import dataset

from .models import Branch

dataset("branches/branches", Branch)
