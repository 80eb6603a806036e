"""API keys in the workspace export (apps.workspace.export): names and dates, never the key's hash."""

from apps.core.datasets import dataset

from .models import ApiKey

dataset("apikeys/keys", ApiKey, exclude=["key_hash"])
