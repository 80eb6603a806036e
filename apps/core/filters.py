"""The filter backend of every list endpoint (DEFAULT_FILTER_BACKENDS and the workspace
LIST_BACKENDS): django-filter's, but a filter value that is present and not understood
is a 400 with a field error instead of being silently ignored. (django-filter reports
invalid dates or unknown ids, but its boolean widget turns `?is_active=junk` into "no
filter", and so would any widget that maps unknown input to nothing.)"""

import datetime
import re

from django.core.exceptions import ValidationError as FormValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import filters, utils
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters as filters_drf
from rest_framework.exceptions import ValidationError

from .phone import phone_search_digits


def ignored_values(filterset) -> dict:
    """{name: [message]} for each query parameter that was given but came out empty."""
    errors = {}
    for name, filter_ in filterset.filters.items():
        raw = filterset.data.get(name)
        if not isinstance(raw, str) or not raw.strip():
            continue
        if filterset.form.cleaned_data.get(name) in (None, "", [], ()):
            message = (_("Use true or false.") if isinstance(filter_, filters.BooleanFilter)
                       else _("This value is not valid for this filter."))
            errors[name] = [message]
    return errors


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if not _filters_asked(request, view):
            return queryset  # nothing to filter by: no form to build and validate (every list's first page)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        errors = ignored_values(filterset)
        if errors:
            raise ValidationError(errors)
        return filterset.qs


def _filters_asked(request, view) -> bool:
    """Whether any query parameter names one of the view's filters (with no filterset class,
    whether there is any query parameter at all)."""
    params = request.query_params
    if not params:
        return False
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None:
        return True
    return any(name in params for name in filterset_class.base_filters)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, handed to the database in UTC: PostgreSQL refuses offsets
    beyond ±15:59 that Python accepts (`-18:06`), and a date at the edge of the calendar
    may not convert at all; both are invalid input, not server errors."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and timezone.is_aware(value):
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError:
                raise FormValidationError(self.error_messages["invalid"], code="invalid") from None
        return value


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class SearchFilter(filters_drf.SearchFilter):
    """DRF's `?search=`: each term must match one of `search_fields`. Where a view also
    names `phone_search_fields`, a term that is a phone number as people write it
    ("010-5678-9005", "01056789005") also matches the numbers stored there in E.164
    ("+821056789005"), which DRF's plain `icontains` never would (apps.core.phone)."""

    def filter_queryset(self, request, queryset, view):
        phone_fields = getattr(view, "phone_search_fields", ())
        terms = self.get_search_terms(request)
        numbers = [phone_search_digits(term) for term in terms]
        search_fields = self.get_search_fields(view, request)
        if not phone_fields or not search_fields or not any(numbers):
            return super().filter_queryset(request, queryset, view)
        lookups = [self.construct_search(str(field), queryset) for field in search_fields]
        condition = Q()
        for term, digits in zip(terms, numbers, strict=True):
            either = Q()
            for lookup in lookups:
                either |= Q(**{lookup: term})
            for field in phone_fields if digits else ():
                either |= Q(**{f"{field}__contains": digits})
            condition &= either
        found = queryset.filter(condition)
        if self.must_call_distinct(found, search_fields):
            found = queryset.filter(Exists(found.filter(pk=OuterRef("pk"))))
        return found


class OrderingFilter(filters_drf.OrderingFilter):
    """DRF's `?ordering=` (terms separated by commas, `-` for descending), except that a term
    the list cannot be sorted by is a 400 naming the ones it can, instead of being dropped
    (DRF falls back to the default order without a word). The schema lists them."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params is None or not params.strip():
            return self.get_default_ordering(view)
        terms = [term.strip() for term in params.split(",")]
        valid = self.remove_invalid_fields(queryset, terms, view, request)
        if len(valid) != len(terms):
            allowed = ordering_terms(self.get_valid_fields(queryset, view, {"request": request}))
            raise ValidationError({self.ordering_param: [
                _("This list cannot be sorted by that. Use one of: %(allowed)s (several separated by commas).")
                % {"allowed": ", ".join(allowed)}]})
        return valid

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", self.ordering_fields)
        if isinstance(fields, list | tuple):
            allowed = ordering_terms([(item, item) if isinstance(item, str) else item for item in fields])
            names = "|".join(re.escape(field) for field in allowed if not field.startswith("-"))
            for parameter in parameters:
                parameter["description"] = (f"{parameter.get('description', '')} One of: {', '.join(allowed)}; "
                                             "several separated by commas.").strip()
                parameter["schema"] = {**parameter.get("schema", {}), "pattern": f"^-?({names})(,-?({names}))*$"}
        return parameters


def ordering_terms(valid_fields) -> list[str]:
    """`name`, `-name`, ... for each field a list may be sorted by."""
    return [term for field, _label in valid_fields for term in (field, f"-{field}")]
