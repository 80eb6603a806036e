"""Per-tenant media: every workspace file lives under MEDIA_ROOT/<schema>/ (the upload
path starts with the schema name, see models.logo_path)."""

import os

from django.core.files.storage import FileSystemStorage


class TenantMediaStorage(FileSystemStorage):
    """Django's file system storage, except that a write failing midway (the disk full)
    removes the part it wrote: the upload is refused whole (apps.core.errors.StorageFull,
    a 507) and leaves nothing behind. `save()` chose a name no file had, so the file at
    that name is this write's."""

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError:
            try:
                os.remove(self.path(name))
            except OSError:
                pass
            raise


def tenant_media_storage():
    return TenantMediaStorage()
