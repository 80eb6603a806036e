"""Customer writes: create/update with guardians for minors, consent timestamps, soft
delete, CSV import with a row-level error report."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.branches.models import Branch
from apps.core.changes import diff, model_update, snapshot
from apps.core.errors import PlatformError
from apps.events.services import event_record
from apps.rbac.tenancy import current_tenant

from .errors import BranchOutOfScope, ImportBadEncoding, ImportBadHeader, ImportTooLarge
from .events import CUSTOMER_CREATED, customer_created_data
from .models import Customer, GuardianContact, Tag

FIELDS = ["name", "phone", "email", "birth_date", "marketing_consent", "notes", "branch", "user"]
IMPORT_COLUMNS = ["name", "phone", "email", "birth_date", "branch", "tags", "marketing_consent", "notes",
                  "guardian_name", "guardian_relation", "guardian_phone"]
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _check_branch(branch, allowed_branch_ids):
    if allowed_branch_ids is None:
        return
    if branch is None or branch.pk not in allowed_branch_ids:
        raise BranchOutOfScope(details={"branch": getattr(branch, "pk", None)})


def guardians_validate(*, customer: Customer, guardians) -> None:
    """A minor needs at least one guardian (the API and the admin's inline show this error)."""
    if customer.is_minor and not guardians:
        raise ValidationError({"guardians": _("Add at least one guardian contact for a customer under 19.")})



def _guardians_state(customer: Customer) -> list[str]:
    return [f"{g.name} | {g.relation} | {g.phone} | {g.email}" for g in customer.guardians.all()]


def _audit(action, *, actor, target, changes=None, metadata=None):
    audit_record(action=action, actor=actor, target=target, tenant=current_tenant(), changes=changes,
                 metadata=metadata)


def customer_create(*, actor, allowed_branch_ids, tags=(), guardians=None, source: str = "staff",
                    **data) -> Customer:
    """`allowed_branch_ids`: where the actor may add customers (None: anywhere); `source`
    says how they came (staff, signup, import) in the `customer.created` event."""
    guardians = guardians or []
    customer = Customer(**{k: v for k, v in data.items() if k in FIELDS})
    _check_branch(customer.branch, allowed_branch_ids)
    if customer.marketing_consent:
        customer.marketing_consent_at = timezone.now()
    customer.full_clean()
    guardians_validate(customer=customer, guardians=guardians)
    with transaction.atomic():
        customer.save()
        customer.tags.set(tags)
        _guardians_set(customer, guardians)
        _audit("customer.created", actor=actor, target=customer, changes=diff({}, snapshot(customer, FIELDS)))
        event_record(CUSTOMER_CREATED.name, customer_created_data(customer, source=source))
    return customer


def _guardians_set(customer, guardians):
    customer.guardians.all().delete()
    rows = [GuardianContact(customer=customer, **g) for g in guardians]
    for row in rows:
        row.full_clean(exclude=["customer"])
    GuardianContact.objects.bulk_create(rows)


def customer_update(*, customer: Customer, actor, allowed_branch_ids, tags=None, guardians=None, **data) -> Customer:
    """`customer` comes from a selector scoped to the actor; moving it to another branch
    needs that branch to be in `allowed_branch_ids` too."""
    if "branch" in data and data["branch"] != customer.branch:
        _check_branch(data["branch"], allowed_branch_ids)
    if "marketing_consent" in data and data["marketing_consent"] != customer.marketing_consent:
        data = {**data, "marketing_consent_at": timezone.now()}
    with transaction.atomic():
        changes = model_update(customer, data=data, fields=[*FIELDS, "marketing_consent_at"])
        guardians_validate(customer=customer,
                           guardians=guardians if guardians is not None else list(customer.guardians.all()))
        if tags is not None:
            customer.tags.set(tags)
        if guardians is not None:
            guardians_before = _guardians_state(customer)
            _guardians_set(customer, guardians)
            changes.update(diff({"guardians": guardians_before}, {"guardians": _guardians_state(customer)}))
        _audit("customer.updated", actor=actor, target=customer, changes=changes)
    return customer


def customer_delete(*, customer: Customer, actor) -> None:
    """Soft delete: the row stays (orders and history point at it) but disappears.
    `customer` comes from a selector scoped to the actor's delete permission."""
    with transaction.atomic():
        customer.deleted_at = timezone.now()
        customer.save(update_fields=["deleted_at", "updated_at"])
        _audit("customer.deleted", actor=actor, target=customer)


def _truthy(value: str) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "y", "o", "예", "동의"}


def customers_import(*, file, actor, allowed_branch_ids, dry_run: bool = False) -> dict:
    """Import customers from CSV (UTF-8, header row; columns IMPORT_COLUMNS, only `name`
    required). Valid rows are created, invalid rows reported with their line number and
    messages; nothing is written when `dry_run`. The whole import is one transaction."""
    raw = file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportTooLarge()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportBadEncoding() from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "name" not in header:
        raise ImportBadHeader(details={"expected": IMPORT_COLUMNS, "found": header})
    unknown = sorted(set(header) - set(IMPORT_COLUMNS))
    if unknown:
        raise ImportBadHeader(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)},
                              details={"expected": IMPORT_COLUMNS, "found": header})
    branches = {b.name.lower(): b for b in Branch.objects.all()}
    branches.update({str(b.pk): b for b in branches.values()})
    tags = {t.name.lower(): t for t in Tag.objects.all()}
    created, errors = 0, []
    with transaction.atomic():
        for line, row in enumerate(reader, start=2):
            if line - 1 > MAX_IMPORT_ROWS:
                raise ImportTooLarge(_("At most %(count)s rows per file.") % {"count": MAX_IMPORT_ROWS})
            row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
            if not any(row.values()):
                continue
            try:
                with transaction.atomic():
                    _import_row(row, actor=actor, allowed_branch_ids=allowed_branch_ids, branches=branches,
                                tags=tags)
                created += 1
            except ValidationError as error:
                messages = error.message_dict if hasattr(error, "error_dict") else {"row": error.messages}
                errors.append({"line": line, "errors": {k: [str(m) for m in v] for k, v in messages.items()}})
            except PlatformError as error:
                errors.append({"line": line, "errors": {"branch": [str(error.message)]}})
        if dry_run:
            transaction.set_rollback(True)
        else:
            _audit("customer.imported", actor=actor, target=None, metadata={"created": created,
                                                                              "errors": len(errors)})
    return {"created": created if not dry_run else 0, "valid": created, "errors": errors, "dry_run": dry_run}


def _import_row(row, *, actor, allowed_branch_ids, branches, tags):
    problems = {}
    birth_date = None
    if row.get("birth_date"):
        birth_date = parse_date(row["birth_date"]) if len(row["birth_date"]) == 10 else None
        if birth_date is None:
            problems["birth_date"] = [_("Use the date format YYYY-MM-DD.")]
    branch = None
    if row.get("branch"):
        branch = branches.get(row["branch"].lower())
        if branch is None:
            problems["branch"] = [_("There is no branch “%(name)s”.") % {"name": row["branch"]}]
    elif allowed_branch_ids is not None:
        problems["branch"] = [_("Name one of your branches.")]
    row_tags = []
    for name in filter(None, (t.strip() for t in row.get("tags", "").split(";"))):
        if name.lower() not in tags:
            problems.setdefault("tags", []).append(_("There is no tag “%(name)s”.") % {"name": name})
        else:
            row_tags.append(tags[name.lower()])
    if problems:
        raise ValidationError(problems)
    guardians = []
    if row.get("guardian_name") or row.get("guardian_phone"):
        guardians.append({"name": row.get("guardian_name", ""), "relation": row.get("guardian_relation", ""),
                          "phone": row.get("guardian_phone", "")})
    customer = Customer(name=row.get("name", ""), phone=row.get("phone", ""), email=row.get("email", ""),
                        birth_date=birth_date, branch=branch, marketing_consent=_truthy(row.get("marketing_consent")),
                        notes=row.get("notes", ""))
    _check_branch(branch, allowed_branch_ids)
    if customer.marketing_consent:
        customer.marketing_consent_at = timezone.now()
    customer.full_clean()
    if customer.phone and Customer.objects.filter(phone=customer.phone, deleted_at__isnull=True).exists():
        raise ValidationError({"phone": _("A customer with this phone number already exists.")})
    guardians_validate(customer=customer, guardians=guardians)
    customer.save()
    customer.tags.set(row_tags)
    for guardian in guardians:
        contact = GuardianContact(customer=customer, **guardian)
        contact.full_clean()
        contact.save()
    event_record(CUSTOMER_CREATED.name, customer_created_data(customer, source="import"))
