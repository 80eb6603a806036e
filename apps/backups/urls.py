"""The Backups tab's URLs under a tenant's page in the ops portal (apps.ops.admin adds them
to the tenant admin's URLs, wrapped by the site's admin_view)."""

from django.urls import path

from . import views


def backup_urls(wrap, model_admin) -> list:
    return [
        path("<path:object_id>/backups/run/",
             wrap(lambda request, object_id: views.backup_now_view(request, model_admin, object_id)),
             name="tenants_tenant_backup_now"),
        path("<path:object_id>/backups/<int:backup_id>/restore/",
             wrap(lambda request, object_id, backup_id: views.restore_view(request, model_admin, object_id,
                                                                           backup_id)),
             name="tenants_tenant_backup_restore"),
        path("<path:object_id>/backups/progress/",
             wrap(lambda request, object_id: views.progress_view(request, model_admin, object_id)),
             name="tenants_tenant_backup_progress"),
    ]
