"""List filters both admin sites share (django-unfold's filter panel draws them):

- `DateRangeFilter`: "from" and "to" date inputs on a date or date-time field
  (inclusive days): `list_filter = [("due_date", DateRangeFilter.titled(_("due date")))]`.
- `SelectedRelatedFilter`: a foreign key filter that shows only the object a link
  selected (`?tenant__id__exact=7`, e.g. from a tenant's page to its invoices), so the
  list says what it is narrowed to and can be reset, without listing every tenant.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DateRangeFilter(admin.FieldListFilter):
    """From / to date inputs on a date or date-time field (inclusive days)."""

    template = "admin/date_range_filter.html"
    range_title = _("date range")

    @classmethod
    def titled(cls, title) -> type[DateRangeFilter]:
        """The filter under another heading ("By due date")."""
        return type(cls.__name__, (cls,), {"range_title": title})

    def __init__(self, field, request, params, model, model_admin, field_path):
        lookup = f"{field_path}__date" if field.get_internal_type() == "DateTimeField" else field_path
        self.param_from, self.param_to = f"{lookup}__gte", f"{lookup}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = self.range_title

    def expected_parameters(self):
        return [self.param_from, self.param_to]

    def choices(self, changelist):
        yield {"from_name": self.param_from, "to_name": self.param_to,
               "from_value": self.used_parameters.get(self.param_from, ""),
               "to_value": self.used_parameters.get(self.param_to, ""),
               "other": {k: v for k, v in changelist.params.items() if k not in self.expected_parameters()}}

    def queryset(self, request, queryset):
        filters = {}
        for name in self.expected_parameters():
            value = self.used_parameters.get(name)
            if isinstance(value, list):
                value = value[-1]
            if value:
                filters[name] = value
        try:
            return queryset.filter(**filters)
        except (ValidationError, ValueError, TypeError) as exc:  # a malformed date: say so instead of failing
            raise IncorrectLookupParameters(exc) from exc


class SelectedRelatedFilter(admin.RelatedFieldListFilter):
    """Shown only while a link has narrowed the list to one related object."""

    def field_choices(self, field, request, model_admin):
        if self.lookup_val is None:
            return []
        values = self.lookup_val if isinstance(self.lookup_val, list) else [self.lookup_val]
        try:
            related = list(field.remote_field.model._default_manager.filter(pk__in=values))
        except (ValidationError, ValueError):  # not a key at all: the list refuses the lookup itself
            return []
        return [(obj.pk, str(obj)) for obj in related]

    @property
    def include_empty_choice(self):
        return False

    def has_output(self):
        return bool(self.lookup_choices)
