"""The plan's branch limit holds under concurrency: the tenant row is locked
(SELECT ... FOR UPDATE) before the active branches are counted, in the transaction that
inserts (or reactivates), so two requests cannot both take the last free slot."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.branches.models import Branch
from apps.branches.services import branch_create, branch_update


def _lock_then_count(queries) -> None:
    sqls = [q["sql"] for q in queries.captured_queries]
    lock = next(i for i, sql in enumerate(sqls) if "FOR UPDATE" in sql and '"tenants_tenant"' in sql)
    count = next(i for i, sql in enumerate(sqls) if "COUNT(" in sql and '"branches_branch"' in sql)
    assert lock < count, sqls


@pytest.mark.django_db
def test_branch_limit_counts_under_a_tenant_row_lock():
    with schema_context("alpha"):
        with CaptureQueriesContext(connection) as queries:
            branch = branch_create(actor=None, name="Locked North")
        _lock_then_count(queries)
        branch_update(branch=branch, actor=None, is_active=False)
        with CaptureQueriesContext(connection) as queries:
            branch_update(branch=branch, actor=None, is_active=True)
        _lock_then_count(queries)
        assert Branch.objects.get(pk=branch.pk).is_active
    connection.set_schema_to_public()
