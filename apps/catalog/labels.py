"""The audit actions apps.catalog writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "catalog.category_created": pgettext_lazy("audit action", "Catalog category added"),
        "catalog.category_updated": pgettext_lazy("audit action", "Catalog category updated"),
        "catalog.category_deleted": pgettext_lazy("audit action", "Catalog category deleted"),
        "catalog.item_created": pgettext_lazy("audit action", "Catalog item added"),
        "catalog.item_updated": pgettext_lazy("audit action", "Catalog item updated"),
        "catalog.item_deleted": pgettext_lazy("audit action", "Catalog item deleted"),
        "catalog.item_sold_out": pgettext_lazy("audit action", "Item marked sold out"),
        "catalog.item_back_on_sale": pgettext_lazy("audit action", "Item back on sale"),
        "catalog.option_group_created": pgettext_lazy("audit action", "Option group added"),
        "catalog.option_group_updated": pgettext_lazy("audit action", "Option group updated"),
        "catalog.option_group_deleted": pgettext_lazy("audit action", "Option group deleted"),
        "catalog.option_created": pgettext_lazy("audit action", "Option added"),
        "catalog.option_updated": pgettext_lazy("audit action", "Option updated"),
        "catalog.option_deleted": pgettext_lazy("audit action", "Option deleted"),
        "catalog.image_added": pgettext_lazy("audit action", "Item image added"),
        "catalog.image_updated": pgettext_lazy("audit action", "Item image updated"),
        "catalog.image_deleted": pgettext_lazy("audit action", "Item image deleted"),
    })
