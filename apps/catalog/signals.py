"""Fallback only: the services (apps.catalog.services) call `catalog_changed` themselves.
These receivers cover writes that bypass them (a shell, a data fix, sample data, a test
saving a row, a branch deleted under items offered there), so that no cached answer to
customers outlives the catalog it was built from. No business logic here;
`QuerySet.update()` and `bulk_create()` send no signal, so code that uses them must call
`catalog_changed`."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Category, Item, ItemImage, Option, OptionGroup
from .services import catalog_changed


def _changed(sender, **kwargs):
    catalog_changed()


def connect() -> None:
    """Called once by apps.catalog.apps.CatalogConfig.ready."""
    for model in (Category, Item, OptionGroup, Option, ItemImage):
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalog.changed.save.{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"catalog.changed.delete.{model.__name__}")
    m2m_changed.connect(_changed, sender=Item.branches.through, dispatch_uid="catalog.changed.branches")
    # A deleted branch leaves the items offered there (the rows of the table above go with
    # it, without a signal of their own).
    post_delete.connect(_changed, sender="branches.Branch", dispatch_uid="catalog.changed.branch_deleted")
