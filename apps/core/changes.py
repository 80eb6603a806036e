"""What a write changed, in the form the audit log stores (`{"field": [before, after]}`),
and `model_update`, the one way a service updates fields of a row.

    changes = model_update(branch, data=data, fields=FIELDS)
    if changes:
        audit_record(action="branch.updated", target=branch, changes=changes, ...)
"""

from __future__ import annotations

from collections.abc import Iterable


def plain_value(value):
    """A value as the audit log stores it (JSON): dates as ISO text, models as their pk."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (str, int, float, bool, type(None), list, dict)):
        return value
    return str(value)


def snapshot(instance, fields: Iterable[str]) -> dict:
    return {name: plain_value(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """{"field": [before, after]} for the fields whose value changed."""
    return {key: [before.get(key), after.get(key)] for key in sorted({*before, *after})
            if before.get(key) != after.get(key)}


def _stored(instance, fields: list[str]) -> dict:
    """The row as saved, in snapshot form (one query; foreign keys as ids)."""
    by_name = {field.name: field.attname for field in instance._meta.concrete_fields}
    row = type(instance)._base_manager.filter(pk=instance.pk).values(*(by_name[name] for name in fields)).get()
    return {name: plain_value(row[by_name[name]]) for name in fields}


def model_update(instance, *, data: dict, fields: Iterable[str], clean: bool = True,
                 clean_exclude: Iterable[str] = ()) -> dict:
    """Set each of `fields` that `data` names on `instance`, validate the row (`clean`),
    and save only the fields whose value changed (with the model's auto_now fields).
    Returns their diff for the audit event; an empty diff means nothing was written.
    Names in `data` outside `fields` are ignored (callers pass parsed input).

    "Changed" is against the stored row, not the caller's copy: a copy an admin form has
    already filled in would otherwise look unchanged and its edit be dropped."""
    fields = list(fields)
    before = _stored(instance, fields)
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
    if clean:
        instance.full_clean(exclude=list(clean_exclude) or None)
    changes = diff(before, snapshot(instance, fields))
    if changes:
        stamped = [field.name for field in instance._meta.concrete_fields if getattr(field, "auto_now", False)]
        instance.save(update_fields=list(dict.fromkeys([*changes, *stamped])))
    return changes
