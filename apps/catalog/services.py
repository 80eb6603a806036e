"""Catalog writes: categories, items with their option groups and options, sold-out,
images, and the stock orders take and return. Every write but the stock is audited
(`catalog.*`, apps.catalog.labels)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.branches.selectors import branch_list_open
from apps.core.cache import bump, pending_scopes
from apps.core.changes import diff, model_update, snapshot
from apps.core.errors import InvalidData
from apps.rbac.tenancy import current_tenant

from .errors import BranchesInvalid, ImageLimitReached, OptionChoicesInvalid, OptionNotOnItem, OutOfStock
from .models import Category, Item, ItemImage, Option, OptionGroup
from .selectors import catalog_scope
from .validation import check_choices, check_image, clean_translations

CATEGORY_FIELDS = ["name", "translations", "position", "is_active"]
ITEM_FIELDS = ["kind", "category", "name", "description", "translations", "price", "vat_rate", "is_active",
               "is_sold_out", "stock", "position"]
GROUP_FIELDS = ["name", "translations", "required", "min_choices", "max_choices", "position"]
OPTION_FIELDS = ["name", "translations", "price_delta", "is_available", "position"]
IMAGE_FIELDS = ["alt_text", "position"]
MAX_IMAGES = 10

# Translatable texts per model: field -> max length.
_NAME = {"name": 120}
_ITEM_TEXTS = {"name": 200, "description": None}


def catalog_changed() -> None:
    """The workspace's catalog changed: what customers read of it (apps.catalog.selectors.
    open_answer_cached) is rebuilt once the transaction commits. Every write below calls it
    (the audited ones through _audit); apps.catalog.signals covers writes that bypass them."""
    name = catalog_scope()
    if name not in pending_scopes():  # once per transaction is enough
        bump(name)


def _audit(action: str, *, actor, target, changes=None, metadata=None) -> None:
    catalog_changed()  # every audited write is a change customers may see
    audit_record(action=action, actor=actor, target=target, tenant=current_tenant(), changes=changes,
                 metadata=metadata)


def _with_translations(data: dict, texts: dict) -> dict:
    if "translations" in data:
        data = {**data, "translations": clean_translations(data["translations"], fields=texts)}
    return data


# --- Categories ----------------------------------------------------------------------------


def category_create(*, actor, **data) -> Category:
    data = _with_translations(data, _NAME)
    category = Category(**{k: v for k, v in data.items() if k in CATEGORY_FIELDS})
    category.full_clean()
    with transaction.atomic():
        category.save()
        _audit("catalog.category_created", actor=actor, target=category,
               changes=diff({}, snapshot(category, CATEGORY_FIELDS)))
    return category


def category_update(*, category: Category, actor, **data) -> Category:
    data = _with_translations(data, _NAME)
    with transaction.atomic():
        changes = model_update(category, data=data, fields=CATEGORY_FIELDS)
        if changes:
            _audit("catalog.category_updated", actor=actor, target=category, changes=changes)
    return category


def category_delete(*, category: Category, actor) -> None:
    """Its items stay, without a category."""
    with transaction.atomic():
        items = category.items.count()
        _audit("catalog.category_deleted", actor=actor, target=category,
               changes=diff(snapshot(category, CATEGORY_FIELDS), {}), metadata={"items": items})
        category.delete()


# --- Items ---------------------------------------------------------------------------------


def _branch_ids(branches: Iterable, *, current: Iterable[int] = ()) -> list[int]:
    """Ids of `branches` (ids or Branch rows); branches newly named must exist and be open."""
    ids = sorted({int(getattr(b, "pk", b)) for b in branches})
    new = set(ids) - set(current)
    if new:
        unknown = sorted(new - set(branch_list_open().filter(pk__in=new).values_list("pk", flat=True)))
        if unknown:
            message = _("These branches do not exist or are closed: %(ids)s.") % {
                "ids": ", ".join(map(str, unknown))}
            raise BranchesInvalid(message, details={"branches": [str(message)], "unknown": unknown})
    return ids


def _options_state(group: OptionGroup) -> list[str]:
    return [f"{o.name} ({o.price_delta:+d}){'' if o.is_available else ' ×'}" for o in group.options.all()]


def _item_state(item: Item) -> dict:
    """Branches and option groups as the audit log shows them next to the fields."""
    groups = [f"{g.name} [{g.min_choices}-{g.max_choices}{', required' if g.required else ''}]: "
              + ", ".join(_options_state(g)) for g in item.option_groups.prefetch_related("options")]
    return {"branches": sorted(item.branches.values_list("pk", flat=True)), "option_groups": groups}


def _group_fill(group: OptionGroup, spec: dict) -> None:
    """Set a group's fields from `spec` and check them (nothing saved)."""
    spec = _with_translations(spec, _NAME)
    for name in GROUP_FIELDS:
        if name in spec and spec[name] is not None:
            setattr(group, name, spec[name])
    if spec.get("min_choices") is None and group.required and group.min_choices < 1:
        group.min_choices = 1  # "required" alone means: pick at least one
    if group.pk is None and spec.get("max_choices") is None and group.max_choices < max(1, group.min_choices):
        group.max_choices = max(1, group.min_choices)
    check_choices(required=group.required, min_choices=group.min_choices, max_choices=group.max_choices)
    group.full_clean(exclude=["item"])


def _option_fill(option: Option, spec: dict) -> None:
    spec = _with_translations(spec, _NAME)
    for name in OPTION_FIELDS:
        if name in spec and spec[name] is not None:
            setattr(option, name, spec[name])
    option.full_clean(exclude=["group"])


def _positioned(spec: dict, index: int) -> dict:
    return spec if spec.get("position") is not None else {**spec, "position": index}


def _messages(error: ValidationError) -> dict:
    return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()} \
        if hasattr(error, "error_dict") else {"non_field_errors": [str(m) for m in error.messages]}


def _options_sync(group: OptionGroup, specs: list[dict]) -> None:
    """Make the group's options those of `specs`: an entry with an `id` updates that option,
    one without adds an option, options left out are removed. Positions follow the list
    unless given. An invalid entry is reported under its index (`options.<n>.<field>`)."""
    existing = {option.pk: option for option in group.options.all()} if group.pk else {}
    keep = []
    for index, spec in enumerate(specs):
        option = existing.get(spec["id"]) if spec.get("id") is not None else Option()
        if option is None:
            raise OptionNotOnItem(details={"options": [spec["id"]]})
        try:
            _option_fill(option, _positioned(spec, index))
        except ValidationError as error:
            raise InvalidData(details={"options": {str(index): _messages(error)}}) from None
        option.group = group
        option.save()
        keep.append(option.pk)
    group.options.exclude(pk__in=keep).delete()


def _option_groups_sync(item: Item, specs: list[dict]) -> None:
    """The same for the item's option groups (with their `options` when an entry has them)."""
    existing = {group.pk: group for group in item.option_groups.all()}
    keep = []
    for index, spec in enumerate(specs):
        group = existing.get(spec["id"]) if spec.get("id") is not None else OptionGroup(item=item)
        if group is None:
            raise OptionNotOnItem(details={"option_groups": [spec["id"]]})
        try:
            _group_fill(group, _positioned({k: v for k, v in spec.items() if k != "options"}, index))
            group.save()
            keep.append(group.pk)
            if spec.get("options") is not None:
                _options_sync(group, spec["options"])
        except ValidationError as error:
            raise InvalidData(details={"option_groups": {str(index): _messages(error)}}) from None
        except (InvalidData, OptionChoicesInvalid) as error:  # which group: its index in the list
            raise type(error)(error.message, details={"option_groups": {str(index): error.details}}) from None
    item.option_groups.exclude(pk__in=keep).delete()


def item_create(*, actor, option_groups: list[dict] | None = None, branches: Iterable = (), **data) -> Item:
    """`option_groups`: [{"name", "required", "min_choices", "max_choices", "translations",
    "options": [{"name", "price_delta", "is_available", "translations"}]}]. Nothing is
    written when any part is invalid."""
    data = _with_translations(data, _ITEM_TEXTS)
    item = Item(**{k: v for k, v in data.items() if k in ITEM_FIELDS})
    item.full_clean()
    branch_ids = _branch_ids(branches)
    with transaction.atomic():
        item.save()
        item.branches.set(branch_ids)
        _option_groups_sync(item, option_groups or [])
        _audit("catalog.item_created", actor=actor, target=item,
               changes=diff({}, {**snapshot(item, ITEM_FIELDS), **_item_state(item)}))
    return item


def item_update(*, item: Item, actor, option_groups: list[dict] | None = None, branches: Iterable | None = None,
                **data) -> Item:
    """Fields given change; `branches` replaces the item's branches; `option_groups`
    replaces its option groups (entries with an `id` keep and update that group, and its
    options likewise; groups or options left out are removed). Orders keep what they
    snapshotted."""
    data = _with_translations(data, _ITEM_TEXTS)
    with transaction.atomic():
        before = _item_state(item)
        changes = model_update(item, data=data, fields=ITEM_FIELDS)
        if branches is not None:
            item.branches.set(_branch_ids(branches, current=before["branches"]))
        if option_groups is not None:
            _option_groups_sync(item, option_groups)
        changes.update(diff(before, _item_state(item)))
        if changes:
            _audit("catalog.item_updated", actor=actor, target=item, changes=changes)
    return item


def item_delete(*, item: Item, actor) -> None:
    """Orders keep their lines (their item becomes empty; the snapshot stays). Deactivating
    is usually what a shop wants: the item disappears but can come back."""
    with transaction.atomic():
        files = [image.image.name for image in item.images.all()]
        _audit("catalog.item_deleted", actor=actor, target=item,
               changes=diff(snapshot(item, ITEM_FIELDS), {}))
        item.delete()
        transaction.on_commit(lambda: _delete_files(files))


def item_set_sold_out(*, item: Item, sold_out: bool, actor) -> Item:
    """The kitchen's switch: sold out for today, or back on sale."""
    with transaction.atomic():
        changes = model_update(item, data={"is_sold_out": bool(sold_out)}, fields=["is_sold_out"], clean=False)
        if changes:
            _audit("catalog.item_sold_out" if sold_out else "catalog.item_back_on_sale", actor=actor, target=item,
                   changes=changes)
    return item


# --- Option groups and options one by one (the admin's option group page) -------------------


def option_group_create(*, item: Item, actor, options: list[dict] | None = None, **data) -> OptionGroup:
    group = OptionGroup(item=item)
    _group_fill(group, data)
    with transaction.atomic():
        group.save()
        _options_sync(group, options or [])
        _audit("catalog.option_group_created", actor=actor, target=group, metadata={"item": item.pk},
               changes=diff({}, {**snapshot(group, GROUP_FIELDS), "options": _options_state(group)}))
    return group


def option_group_update(*, group: OptionGroup, actor, options: list[dict] | None = None, **data) -> OptionGroup:
    """`options` (when given) replaces the group's options as item_update does."""
    with transaction.atomic():
        before = {**snapshot(group, GROUP_FIELDS), "options": _options_state(group)}
        _group_fill(group, data)
        group.save()
        if options is not None:
            _options_sync(group, options)
        changes = diff(before, {**snapshot(group, GROUP_FIELDS), "options": _options_state(group)})
        if changes:
            _audit("catalog.option_group_updated", actor=actor, target=group, changes=changes,
                   metadata={"item": group.item_id})
    return group


def option_group_delete(*, group: OptionGroup, actor) -> None:
    with transaction.atomic():
        _audit("catalog.option_group_deleted", actor=actor, target=group, metadata={"item": group.item_id},
               changes=diff({**snapshot(group, GROUP_FIELDS), "options": _options_state(group)}, {}))
        group.delete()


def option_create(*, group: OptionGroup, actor, **data) -> Option:
    option = Option(group=group)
    _option_fill(option, data)
    with transaction.atomic():
        option.save()
        _audit("catalog.option_created", actor=actor, target=option, metadata={"item": group.item_id},
               changes=diff({}, snapshot(option, OPTION_FIELDS)))
    return option


def option_update(*, option: Option, actor, **data) -> Option:
    data = _with_translations(data, _NAME)
    with transaction.atomic():
        changes = model_update(option, data=data, fields=OPTION_FIELDS)
        if changes:
            _audit("catalog.option_updated", actor=actor, target=option, changes=changes,
                   metadata={"item": option.group.item_id})
    return option


def option_delete(*, option: Option, actor) -> None:
    with transaction.atomic():
        _audit("catalog.option_deleted", actor=actor, target=option, metadata={"item": option.group.item_id},
               changes=diff(snapshot(option, OPTION_FIELDS), {}))
        option.delete()


# --- Images --------------------------------------------------------------------------------


def _delete_files(names: list[str]) -> None:
    storage = ItemImage._meta.get_field("image").storage
    for name in names:
        if name:
            storage.delete(name)


def item_image_add(*, item: Item, actor, image, alt_text: str = "", position: int | None = None) -> ItemImage:
    """A JPEG, PNG or WebP of at most 5 MB (checked by its content), up to MAX_IMAGES per item."""
    extension = check_image(image)
    with transaction.atomic():
        Item.objects.select_for_update().filter(pk=item.pk).first()  # concurrent uploads count one by one
        count = item.images.count()
        if count >= MAX_IMAGES:
            raise ImageLimitReached(details={"limit": MAX_IMAGES})
        row = ItemImage(item=item, alt_text=alt_text or "", position=count if position is None else position)
        row.full_clean(exclude=["image"])
        row.image.save(f"image.{extension}", image, save=False)
        row.save()
        _audit("catalog.image_added", actor=actor, target=row, metadata={"item": item.pk},
               changes=diff({}, {"image": row.image.name, **snapshot(row, IMAGE_FIELDS)}))
    return row


def item_image_update(*, image: ItemImage, actor, **data) -> ItemImage:
    with transaction.atomic():
        changes = model_update(image, data=data, fields=IMAGE_FIELDS, clean_exclude=["image"])
        if changes:
            _audit("catalog.image_updated", actor=actor, target=image, changes=changes,
                   metadata={"item": image.item_id})
    return image


def item_image_delete(*, image: ItemImage, actor) -> None:
    with transaction.atomic():
        name = image.image.name
        _audit("catalog.image_deleted", actor=actor, target=image, metadata={"item": image.item_id},
               changes=diff({"image": name, **snapshot(image, IMAGE_FIELDS)}, {}))
        image.delete()
        transaction.on_commit(lambda: _delete_files([name]))


# --- Stock ---------------------------------------------------------------------------------
# Called by orders inside their own transaction (the order's audit event records the
# lines); a rollback there puts the units back.


def stock_take(*, item_id: int, quantity: int) -> None:
    """Take `quantity` units of a counted item, atomically: one conditional UPDATE, so
    concurrent orders can never take more than there is. Items whose stock is not counted
    (stock NULL) are left alone. Raises OutOfStock (409) with the units left."""
    if quantity <= 0:
        return
    # One statement is atomic on its own: no savepoint (it costs two queries per line).
    taken = (Item.objects.filter(pk=item_id, stock__isnull=False, stock__gte=quantity)
             .update(stock=F("stock") - quantity))
    if taken:
        catalog_changed()  # the units left (and sold out at 0) are shown to customers
        return
    item = Item.objects.filter(pk=item_id).only("pk", "name", "stock").first()
    if item is None or item.stock is None:  # unknown (the caller checked it) or not counted
        return
    message = (_("Only %(left)s of “%(name)s” left.") % {"left": item.stock, "name": item.name} if item.stock
               else _("“%(name)s” is out of stock.") % {"name": item.name})
    raise OutOfStock(message, details={"item": item.pk, "name": item.name, "left": item.stock})


def stock_return(*, item_id: int, quantity: int) -> None:
    """Put back units taken by stock_take (a cancelled order); no-op when not counted."""
    if quantity <= 0:
        return
    if Item.objects.filter(pk=item_id, stock__isnull=False).update(stock=F("stock") + quantity):
        catalog_changed()
