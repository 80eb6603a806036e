"""Small admin building blocks shared by both admin sites."""


class ReadOnlyAdminMixin:
    """Rows that only services write (logs, usage, history): the admin shows them, and
    nobody adds, edits or deletes them there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
