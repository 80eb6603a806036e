"""Editing any column of a stored audit event (by hand, in the database) breaks the
chain's verification. Parametrized over the model's columns, so a column added later is
checked too: if it is left out of the hash (HASHED_FIELDS), its test fails."""

import datetime as dt

import pytest
from django.db import connection, models

from apps.audit.models import AuditEvent
from apps.audit.services import HASHED_FIELDS, audit_record, audit_verify

COLUMNS = [field for field in AuditEvent._meta.concrete_fields if field.name != "hash"]


def test_hash_covers_every_column():
    """The row id is covered by the chain (ids rise along it), every other column by the hash."""
    left_out = {field.attname for field in COLUMNS} - set(HASHED_FIELDS) - {"id"}
    assert not left_out, f"add these columns to apps.audit.services.HASHED_FIELDS: {sorted(left_out)}"


def _tampered(field, value):
    """A different value of the column's type (the row id is handled by the caller)."""
    if isinstance(field, models.DateTimeField):
        return value + dt.timedelta(seconds=1)
    if isinstance(field, models.ForeignKey):
        return (value or 0) + 1000
    if isinstance(field, models.JSONField):
        return {**value, "tampered": True}
    if isinstance(field, models.IntegerField):
        return value + 1000
    if isinstance(field, models.GenericIPAddressField):
        return "10.9.9.9" if value != "10.9.9.9" else "10.9.9.8"
    if isinstance(field, (models.CharField, models.TextField)):
        return value[:-1] + ("0" if value[-1:] != "0" else "1") if value else "x"
    pytest.fail(f"no tampering rule for {type(field).__name__} ({field.name}): add one here")


@pytest.mark.parametrize("field", COLUMNS, ids=[field.name for field in COLUMNS])
def test_editing_any_column_breaks_verification(db, hq_user, tenant_alpha, field):
    audit_record(action="chain.before", actor=hq_user, tenant=tenant_alpha)
    event = audit_record(action="chain.edited", actor=hq_user, target=tenant_alpha, tenant=tenant_alpha,
                         changes={"name": ["A", "B"]}, metadata={"reason": "test"}, ip="192.0.2.1",
                         user_agent="pytest", category=AuditEvent.Category.SECURITY)
    after = audit_record(action="chain.after", actor=hq_user, tenant=tenant_alpha)
    assert audit_verify()[1] == []

    column = connection.ops.quote_name(field.column)
    with connection.cursor() as cursor:
        if isinstance(field, models.AutoField):  # renumbered: the chain no longer follows the ids
            cursor.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [after.pk + 1000, event.pk])
        else:
            original = getattr(event, field.attname)
            new = _tampered(field, original)
            assert new != original
            value = field.get_db_prep_save(new, connection)
            cursor.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, event.pk])

    _count, problems = audit_verify()
    assert problems, f"editing {field.name} went unnoticed: is it in HASHED_FIELDS?"
    if not isinstance(field, models.AutoField):
        assert any(p.endswith(f"event {event.pk}: content does not match its hash (edited)") for p in problems)
