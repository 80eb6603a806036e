"""List filters both admin sites share (django-unfold's filter panel draws them):

- `DateRangeFilter`: "from" and "to" date inputs on a date or date-time field
  (inclusive days): `list_filter = [("due_date", DateRangeFilter.titled(_("due date")))]`.
- `SelectedRelatedFilter`: a foreign key filter that shows only the object a link
  selected (`?tenant__id__exact=7`, e.g. from a tenant's page to its invoices), so the
  list says what it is narrowed to and can be reset, without listing every tenant.
- `IndexedValuesFilter`: Django's "all values" filter on an indexed column of a large
  table, its values read by stepping through the index instead of a scan of every row.
- `TextFieldFilter`: a text box for a column with too many values to list (rows whose
  value is exactly what was typed).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import connections
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


# One index lookup per distinct value (PostgreSQL has no skip scan): each step asks the
# index for the next value above the last one.
_DISTINCT_SQL = """
    WITH RECURSIVE walk(value) AS (
        (SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY {column} LIMIT 1)
        UNION ALL
        SELECT (SELECT {column} FROM {table} WHERE {column} > walk.value ORDER BY {column} LIMIT 1)
        FROM walk WHERE walk.value IS NOT NULL
    )
    SELECT value FROM walk WHERE value IS NOT NULL
"""


class _IndexedValues:
    """The column's distinct values in order (None last when a row has none), read when
    first listed: the list page draws them, a CSV export of the same filters never does."""

    def __init__(self, model, field):
        self.model, self.field, self._values = model, field, None

    def __iter__(self):
        if self._values is None:
            connection = connections[self.model._default_manager.db]
            quote = connection.ops.quote_name
            table, column = quote(self.model._meta.db_table), quote(self.field.column)
            sql = _DISTINCT_SQL.format(table=table, column=column)
            if self.field.null:
                sql += f" UNION ALL SELECT NULL WHERE EXISTS (SELECT 1 FROM {table} WHERE {column} IS NULL)"
            with connection.cursor() as cursor:
                cursor.execute(sql)
                self._values = [row[0] for row in cursor.fetchall()]
        return iter(self._values)


class IndexedValuesFilter(admin.AllValuesFieldListFilter):
    """For a column with a b-tree index of its own, on an admin whose queryset is the whole
    table (otherwise Django's own query, over the rows the admin shows)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        if field_path == field.name and not model_admin.get_queryset(request).query.where:
            self.lookup_choices = _IndexedValues(model, field)


class TextFieldFilter(admin.FieldListFilter):
    """Rows whose column equals what was typed, for a column with too many values to list
    (an e-mail typed at each failed login): `list_filter = [("actor_email", TextFieldFilter)]`."""

    template = "admin/text_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = field_path
        super().__init__(field, request, params, model, model_admin, field_path)

    def expected_parameters(self):
        return [self.lookup_kwarg]

    def has_output(self):
        return True

    def choices(self, changelist):
        value = self.used_parameters.get(self.lookup_kwarg, "")
        yield {"name": self.lookup_kwarg, "value": value[-1] if isinstance(value, list) else value,
               "other": {k: v for k, v in changelist.params.items() if k != self.lookup_kwarg}}
