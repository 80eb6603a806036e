"""Small admin building blocks shared by both admin sites (django-unfold's base classes)."""

from functools import cache

from django.contrib import messages
from django.contrib.admin.utils import model_ngettext
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from unfold.admin import TabularInline
from unfold.decorators import display

from .errors import PlatformError
from .money import Money


def money_column(field: str, label, currency=lambda obj: obj.currency, *, ordering: bool = True):
    """A column / read-only field showing an amount in the currency's minor unit as people
    read it ("₩22,000"; "-" when empty). `currency(obj)` names the currency (the row's own by default)."""

    @display(description=label, ordering=field if ordering else None)
    def column(self, obj):
        value = getattr(obj, field)
        return "-" if value is None else Money(int(value), currency(obj)).format()

    return column


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


@cache
def _unpaged(changelist_class):
    return type(f"Unpaged{changelist_class.__name__}", (changelist_class,), {"get_results": lambda self, request: None})


class ListedRowsMixin:
    """For a download of the list as filtered (a CSV export with the list page's query
    string): `self.listed_rows(request)` is the list's queryset, filtered, searched and
    ordered as the page would be, without the count and the first page the page itself
    queries. Raises IncorrectLookupParameters for a malformed filter, as the list does."""

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        return _unpaged(changelist) if getattr(request, "_listed_rows_only", False) else changelist

    def listed_rows(self, request):
        request._listed_rows_only = True
        try:
            return self.get_changelist_instance(request).queryset
        finally:
            del request._listed_rows_only


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


def errors_onto(form, error: PlatformError, default_field: str | None = None, *, rename: dict | None = None) -> None:
    """A service's refusal onto the form: per field where its details name form fields
    (`rename` maps a detail's name to the field showing it), else on `default_field`
    (or the form)."""
    rename = rename or {}
    placed = False
    details = error.details if isinstance(error.details, dict) else {}
    for name, problems in details.items():
        field = rename.get(name, name)
        if field in form.fields and isinstance(problems, (list, tuple)):
            for problem in problems:
                form.add_error(field, str(problem))
            placed = True
    if not placed:
        form.add_error(default_field if default_field in form.fields else None, str(error.message))


class ServiceFormAdmin:
    """Add and change pages whose save calls a service that owns its (durable)
    transaction: no transaction around the page; the service saves the row and its
    relations (no save_m2m after it); a refusal the form did not catch (a concurrent
    change) is shown as a message on the same page and nothing is logged. Saves go
    through `call_service(request, write)`."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # read by the admin's change message; the services saved the rows
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _refused(self, request) -> bool:
        return getattr(request, "_service_refused", False)

    def log_addition(self, request, obj, message):
        return None if self._refused(request) else super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        return None if self._refused(request) else super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(request.path) if self._refused(request) else super().response_add(request, obj,
                                                                                           post_url_continue)

    def response_change(self, request, obj):
        return redirect(request.path) if self._refused(request) else super().response_change(request, obj)

    def call_service(self, request, write) -> object | None:
        try:
            return write()
        except PlatformError as error:
            messages.error(request, str(error.message))
            request._service_refused = True
            return None
