"""Small admin building blocks shared by both admin sites (django-unfold's base classes)."""

from django.contrib import messages
from django.contrib.admin.utils import model_ngettext
from django.utils.translation import gettext as _
from unfold.admin import TabularInline

from .errors import PlatformError


class ReadOnlyAdminMixin:
    """Rows that only services write (logs, usage, history): the admin shows them, and
    nobody adds, edits or deletes them there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(TabularInline):
    """History rows shown under their parent (status changes, invoice lines, payments,
    price versions): listed, never added, edited or deleted there. `fields` are all shown
    read-only."""

    extra = 0
    can_delete = False
    hide_title = True  # each row's name above it repeats its cells

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ServiceDeleteMixin:
    """Deleting goes through the app's service (`delete_with_service`: audited, refused
    where the service refuses), for one row and for "Delete selected" alike. A refusal
    in a bulk delete is shown per row, and the success message counts the rows really
    deleted (Django's would count the whole selection)."""

    def delete_with_service(self, request, obj) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_with_service(request, obj)

    def delete_queryset(self, request, queryset):
        deleted = 0
        for obj in queryset:
            try:
                self.delete_with_service(request, obj)
                deleted += 1
            except PlatformError as error:
                messages.error(request, f"{obj}: {error.message}")
        request._service_deleted = deleted

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        deleted = getattr(request, "_service_deleted", None)
        if deleted is not None and level == messages.SUCCESS:  # delete_selected's count of the selection
            del request._service_deleted
            if not deleted:
                return None
            message = _("Successfully deleted %(count)d %(items)s.") % {
                "count": deleted, "items": model_ngettext(self.opts, deleted)}
        return super().message_user(request, message, level, *args, **kwargs)
