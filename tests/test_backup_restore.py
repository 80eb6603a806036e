"""Per-tenant backup and restore, the proof of issue 18 (part 3), on real PostgreSQL:

alpha (an academy) with a class and its sessions, an order and an uploaded image is backed
up; restored as `alpha-copy` its tables equal the original's row by row; alpha is changed
and restored over, and the old state is back (media included); beta is untouched
throughout. Then the commands' refusals: a missing, damaged or altered file, other
migrations, a taken slug, no confirmation, and a load that does not match its manifest
(nothing changes)."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academy.tests.conftest import make_branch, make_class, make_course, make_student, make_teacher
from apps.catalog.tests.helpers import image_bytes, upload

PUBLIC_ROWS = {  # what beta keeps in public tables: must not change while alpha is restored
    "tenants_tenant": "id = %(id)s", "tenants_domain": "tenant_id = %(id)s",
    "accounts_membership": "tenant_id = %(id)s", "billing_subscription": "tenant_id = %(id)s",
    "billing_invoice": "tenant_id = %(id)s",
}


def digests(schema: str, *, replace: tuple[str, str] | None = None) -> dict[str, list[str]]:
    """{table: sorted MD5 of each row's text} of every table in `schema` (the test's own
    reading, not the backup code's). `replace` rewrites text in each row first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                       "AND table_type = 'BASE TABLE' ORDER BY 1", [schema])
        # the migrations are the manifest's state; sessions are emptied by a restore (logins are not data)
        tables = [name for (name,) in cursor.fetchall() if name not in ("django_migrations", "django_session")]
        found = {}
        for table in tables:
            text = "t::text" if replace is None else "replace(t::text, %s, %s)"
            cursor.execute(f'SELECT md5({text}) FROM "{schema}"."{table}" t ORDER BY 1', list(replace or ()))
            found[table] = [digest for (digest,) in cursor.fetchall()]
    return found


def public_digests(tenant_id: int) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = {}
        for table, where in PUBLIC_ROWS.items():
            cursor.execute(f"SELECT md5(t::text) FROM public.{table} t WHERE {where % {'id': int(tenant_id)}} "
                           "ORDER BY 1")
            found[table] = [digest for (digest,) in cursor.fetchall()]
    return found


@pytest.fixture
def places(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.BACKUP_ROOT = str(tmp_path / "backups")
    return tmp_path


def seed_alpha(owner):
    """Academy data (a class and its sessions, a student), an order, an uploaded image."""
    from apps.catalog.models import ItemImage
    from apps.orders.services import order_create

    teacher = make_teacher()
    with schema_context("alpha"):
        branch = make_branch()
        course = make_course()
        klass = make_class(teacher=teacher, branch=branch, course=course, actor=owner)
        student = make_student(guardian_email="parent@alpha.test")
        order = order_create(customer=student, lines=[{"item": course.pk, "quantity": 1}], fulfilment="on_site",
                             branch=branch, actor=owner)
        image = ItemImage.objects.create(item=course, image=upload(image_bytes()), alt_text="Course photo")
    connection.set_schema_to_public()
    return {"class": klass, "student": student, "order": order, "image": image}


def backup(path: Path) -> str:
    out = io.StringIO()
    call_command("tenant_backup", "alpha", "--output", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_backup_restore_as_copy_and_over_the_original(places, tenant_alpha, tenant_beta, owner_alpha):
    from apps.accounts.models import Membership
    from apps.audit.models import AuditEvent
    from apps.audit.services import audit_verify
    from apps.backups.models import Backup, Restore
    from apps.billing.invoicing import invoice_issue_for_period
    from apps.billing.models import Invoice, Subscription
    from apps.billing.tests.factories import active_subscription, plan_with_price
    from apps.tenants.models import Tenant

    seeded = seed_alpha(owner_alpha)
    plan = plan_with_price("backup-proof", "49000")
    subscription = active_subscription(tenant_alpha, plan)
    first_invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    image_path = Path(places / "media" / seeded["image"].image.name)
    assert image_path.is_file() and image_path.parts[-3] == "alpha"
    beta_before, beta_public_before = digests("beta"), public_digests(tenant_beta.pk)
    at_backup = digests("alpha")
    assert at_backup["orders_order"] and at_backup["academy_session"] and at_backup["catalog_itemimage"]

    path = places / "alpha.tar.gz"
    assert backup(path) == str(path) and path.is_file()
    record = Backup.objects.get(path=str(path))
    assert record.status == Backup.Status.SUCCEEDED and record.summary["media_files"] == 1
    assert record.summary["rows"] == sum(len(rows) for rows in at_backup.values())

    # Restored as a copy: a new tenant, every table equal row by row, its own files
    out = io.StringIO()
    call_command("tenant_restore", str(path), "--as", "alpha-copy", stdout=out)
    assert "alpha-copy" in out.getvalue()
    copy = Tenant.objects.get(slug="alpha-copy")
    assert copy.status == Tenant.Status.ACTIVE and copy.owner_id == owner_alpha.pk
    assert copy.domains.get().domain.startswith("alpha-copy.")
    assert digests("alpha_copy", replace=("alpha_copy/", "alpha/")) == at_backup
    with schema_context("alpha_copy"):
        from apps.orders.models import Order

        assert Order.objects.get(pk=seeded["order"].pk).number == seeded["order"].number
    connection.set_schema_to_public()
    assert set(Membership.objects.filter(tenant=copy).values_list("user_id", "kind")) == \
        set(Membership.objects.filter(tenant=tenant_alpha).values_list("user_id", "kind"))
    copied_image = places / "media" / seeded["image"].image.name.replace("alpha/", "alpha_copy/", 1)
    assert copied_image.read_bytes() == image_path.read_bytes()
    # billing is not copied: the copy starts its own subscription on the same plan, no invoices of alpha's
    assert Subscription.objects.get(tenant=copy).plan == plan
    assert not Invoice.objects.filter(tenant=copy, pk=first_invoice.pk).exists()
    assert Restore.objects.get(tenant=copy).status == Restore.Status.SUCCEEDED

    # The original changes: an order gone, a student renamed, a new upload
    with schema_context("alpha"):
        from apps.crm.models import Customer
        from apps.orders.models import Order

        Order.objects.filter(pk=seeded["order"].pk).delete()
        Customer.objects.filter(pk=seeded["student"].pk).update(name="Renamed")
        from django.contrib.sessions.models import Session

        Session.objects.create(session_key="s" * 32, session_data="", expire_date=timezone.now() + timedelta(days=1))
    connection.set_schema_to_public()
    later_invoice = invoice_issue_for_period(subscription=subscription,
                                             issue_date=timezone.localdate() + timedelta(days=31))
    stray = places / "media" / "alpha" / "catalog" / "stray.png"
    stray.write_bytes(b"new")
    assert digests("alpha") != at_backup

    out = io.StringIO()
    call_command("tenant_restore", str(path), "--yes", stdout=out)
    assert "Backed up the current state first:" in out.getvalue()
    pre = Backup.objects.get(tenant=tenant_alpha, kind=Backup.Kind.PRE_RESTORE)
    assert pre.status == Backup.Status.SUCCEEDED and Path(pre.path).is_file() and pre.path in out.getvalue()
    assert digests("alpha") == at_backup  # the old state is back
    with schema_context("alpha"):  # sequences stand where they stood: new rows get new keys; no sessions
        from apps.crm.models import Customer

        assert not Session.objects.exists()

        assert Customer.objects.create(name="After the restore").pk > seeded["student"].pk
    connection.set_schema_to_public()
    assert image_path.read_bytes() == image_bytes() and not stray.exists()
    # its public rows too: the invoice issued after the backup is gone, the first one is there
    assert set(Invoice.objects.filter(tenant=tenant_alpha).values_list("pk", flat=True)) == {first_invoice.pk}
    assert later_invoice.pk != first_invoice.pk
    restored = AuditEvent.objects.filter(tenant_id=tenant_alpha.pk, action="backup.restored").get()
    assert restored.metadata["pre_restore_backup"] == pre.path
    assert AuditEvent.objects.filter(tenant_id=copy.pk, action="backup.restored_as_copy").exists()
    for slug in ("alpha", "alpha-copy"):
        checked, problems = audit_verify(tenant_slug=slug)
        assert checked and not problems, problems

    # beta untouched throughout
    assert digests("beta") == beta_before and public_digests(tenant_beta.pk) == beta_public_before


# --- Refusals ------------------------------------------------------------------------------


def _rewrite(source: Path, target: Path, change) -> None:
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = change(member.name, old.extractfile(member).read())
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def _resigned(change_manifest):
    from apps.backups.archive import sign

    state = {}

    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            change_manifest(manifest)
            state["data"] = json.dumps(manifest).encode()
            return state["data"]
        if name == "manifest.sig":
            return sign(state["data"]).encode()
        return data

    return change


@pytest.fixture
def alpha_backup(places, tenant_alpha, owner_alpha):
    seed_alpha(owner_alpha)
    path = places / "alpha.tar.gz"
    backup(path)
    return path


def restore_error(*args) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("tenant_restore", *[str(a) for a in args], stdout=io.StringIO())
    return str(raised.value)


def test_missing_damaged_and_altered_files_are_refused(alpha_backup, places):
    assert "no backup file" in restore_error(places / "nope.tar.gz", "--yes")
    truncated = places / "truncated.tar.gz"
    truncated.write_bytes(alpha_backup.read_bytes()[:2000])
    assert "damaged" in restore_error(truncated, "--yes")
    garbage = places / "garbage.tar.gz"
    garbage.write_bytes(b"not a backup at all")
    assert "damaged" in restore_error(garbage, "--yes")

    edited = places / "edited.tar.gz"  # a row changed in a table file
    _rewrite(alpha_backup, edited, lambda name, data: data.replace(b"Kim Jihoon", b"Kim Jihoom")
             if name == "schema/crm_customer.copy" else data)
    assert "crm_customer.copy does not match its checksum" in restore_error(edited, "--yes")
    forged = places / "forged.tar.gz"  # the manifest edited without the key
    _rewrite(alpha_backup, forged, lambda name, data: data.replace(b'"alpha"', b'"alfa"')
             if name == "manifest.json" else data)
    assert "signature" in restore_error(forged, "--yes")


def test_other_migrations_taken_slug_and_no_confirmation(alpha_backup, places, monkeypatch):
    older = places / "older.tar.gz"
    _rewrite(alpha_backup, older, _resigned(lambda m: m["migrations"]["schema"].pop()))
    message = restore_error(older, "--yes")
    assert "other database migrations" in message and "only here" in message
    assert "other database migrations" in restore_error(older, "--as", "alpha-two")

    assert "already exists" in restore_error(alpha_backup, "--as", "beta")
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert "Not confirmed" in restore_error(alpha_backup)


def test_a_load_that_does_not_match_the_manifest_changes_nothing(alpha_backup, places, tenant_alpha):
    from apps.audit.models import AuditEvent
    from apps.backups.models import Restore

    before = digests("alpha")
    wrong = places / "wrong.tar.gz"
    _rewrite(alpha_backup, wrong, _resigned(lambda m: m["schema"]["orders_order"].update(rows=99)))
    assert "does not match the backup" in restore_error(wrong, "--yes")
    assert digests("alpha") == before
    assert Restore.objects.get(path=str(wrong)).status == Restore.Status.FAILED
    assert AuditEvent.objects.filter(tenant_id=tenant_alpha.pk, action="backup.restore_failed").exists()


def test_unknown_tenant_for_backup(db, places):
    with pytest.raises(CommandError, match="no tenant"):
        call_command("tenant_backup", "nobody", stdout=io.StringIO())
