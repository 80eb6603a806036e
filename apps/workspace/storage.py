"""Per-tenant media: every workspace file lives under MEDIA_ROOT/<schema>/ (the upload
path starts with the schema name, see models.logo_path)."""

from django.core.files.storage import FileSystemStorage


def tenant_media_storage():
    return FileSystemStorage()
