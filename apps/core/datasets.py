"""What a workspace export holds (apps.workspace.export), declared by the apps that own the data.

Nobody edits a central list: each app that owns tenant data says what it exports in its
own `dataexport.py` (imported by `autodiscover()` at start-up, like the apps' isolation
and dashboard modules), one dataset per table:

    dataset("orders/orders", Order, customer="customer_id")
    dataset("orders/lines", OrderLine, customer="order__customer_id")
    dataset("apikeys/keys", ApiKey, exclude=["key_hash"])
    dataset("workspace/settings", WorkspaceSettings, single=True)

- `key`: "<app>/<name>", the file's path in the zip (`<key>.csv`, or `.json` when `single`);
- the rows: the model's rows (`queryset(model)` to narrow or order them);
- the columns: every concrete field (a foreign key as its id) unless `columns` names them
  (any `values()` lookup: "branch__name"), minus `exclude` (secrets, hashes);
- `customer`: the lookup of the customer's id in a row, for a personal export (None: the
  dataset holds nothing about one customer and stays out of it).

A personal export also needs the customer: the app owning customers registers how to find
one the caller may export (`subject("customer", find)`, find(pk=, access=) -> (id, label)
or None), so that this layer, below it, never imports it.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import QuerySet


@dataclass(frozen=True)
class Dataset:
    key: str
    model: type[models.Model]
    columns: tuple[str, ...]
    customer: str | None = None
    single: bool = False
    narrow: Callable[[QuerySet], QuerySet] | None = field(default=None, compare=False)

    def rows(self, *, customer_id: int | None = None) -> QuerySet:
        """The dataset's rows as tuples in `columns` order (of one customer when given)."""
        queryset = self.model._default_manager.all()
        if self.narrow is not None:
            queryset = self.narrow(queryset)
        if customer_id is not None:
            queryset = queryset.filter(**{self.customer: customer_id})
        return queryset.order_by("pk").values_list(*self.columns)


_DATASETS: dict[str, Dataset] = {}
_SUBJECTS: dict[str, Callable] = {}


def default_columns(model, exclude=()) -> tuple[str, ...]:
    """Every concrete column of `model` (a foreign key as `<name>_id`), minus `exclude`."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.name not in exclude and f.attname not in exclude)


def dataset(key: str, model, *, columns=None, exclude=(), customer: str | None = None, single: bool = False,
            queryset: Callable[[QuerySet], QuerySet] | None = None) -> Dataset:
    """Declare a dataset (see the module's docstring). Declaring a key again replaces it."""
    if key.count("/") != 1 or not all(key.split("/")):
        raise ValueError(f"a dataset key is '<app>/<name>', not {key!r}")
    _DATASETS[key] = Dataset(key=key, model=model, columns=tuple(columns or default_columns(model, exclude)),
                             customer=customer, single=single, narrow=queryset)
    return _DATASETS[key]


def datasets(*, personal: bool = False) -> list[Dataset]:
    """Every dataset in key order (only those about a customer for a personal export)."""
    autodiscover()
    return [d for _key, d in sorted(_DATASETS.items()) if not personal or d.customer is not None]


def subject(kind: str, find: Callable) -> None:
    """How to find the subject of a personal export: find(pk=, access=) -> (id, label) or None."""
    _SUBJECTS[kind] = find


def subject_find(kind: str, *, pk: int, access) -> tuple[int, str] | None:
    autodiscover()
    find = _SUBJECTS.get(kind)
    return find(pk=pk, access=access) if find is not None else None


_discovered = False


def autodiscover() -> None:
    """Import every project app's `dataexport` module (once)."""
    global _discovered
    if _discovered:
        return
    from django.apps import apps

    for config in apps.get_app_configs():
        module = f"{config.name}.dataexport"
        if config.name.startswith("apps.") and importlib.util.find_spec(module):
            importlib.import_module(module)
    _discovered = True
