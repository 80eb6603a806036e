"""A list filter over a column of codes that shows each code by its label (audit actions,
inbound event types): `list_filter = [("action", labelled_values(action_label))]`.
The values come from the rows, as with Django's own "all values" filter; the links still
filter by the code."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin


class LabelledValuesFilter(admin.AllValuesFieldListFilter):
    label: Callable[[str], str] = staticmethod(str)

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        everything, values = choices[:1], choices[1:]
        for choice in values:
            if choice["display"] != self.empty_value_display:
                choice["display"] = self.label(str(choice["display"]))
        return everything + sorted(values, key=lambda choice: str(choice["display"]))


def labelled_values(label: Callable[[str], str]) -> type[LabelledValuesFilter]:
    return type("LabelledValuesFilter", (LabelledValuesFilter,), {"label": staticmethod(label)})
