"""Small admin building blocks shared by both admin sites."""

from django.contrib import admin


class ReadOnlyAdminMixin:
    """Rows that only services write (logs, usage, history): the admin shows them, and
    nobody adds, edits or deletes them there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """History rows shown under their parent (status changes, invoice lines, payments,
    price versions): listed, never added, edited or deleted there. `fields` are all shown
    read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False
