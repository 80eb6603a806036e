"""Settlement's refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import Conflict, NotFound, PermissionDenied, PlatformError


class BatchNotFound(NotFound):
    message = _("There is no such settlement batch.")


class IllegalBatchMove(PlatformError):
    code = "settlement_illegal_transition"
    status = 409
    message = _("A batch that is %(current)s cannot become %(target)s.")


class TenantOnHold(PlatformError):
    """`details`: tenant, reason."""

    code = "settlement_tenant_on_hold"
    status = 409
    message = _("This tenant's settlement is on hold: release the hold before confirming or paying out.")


class PayoutReferenceRequired(PlatformError):
    code = "settlement_payout_reference_required"
    status = 400
    message = _("Give the payout's reference (the bank transfer's id).")


class SettlementForbidden(PermissionDenied):
    message = _("Your HQ role may not do this with settlement batches.")


class RunItemNotRetryable(Conflict):
    message = _("Only a failed tenant, or one stuck for a while, can be retried.")


class SettlementFileMalformed(PlatformError):
    """The provider's settlement file cannot be reconciled as it is; `details`: line (of the
    file, 1 is the header), problem (what is wrong, as a person reads it)."""

    code = "settlement_file_malformed"
    status = 502
    message = _("The provider's settlement file cannot be read (line %(line)s: %(problem)s). Nothing was recorded; "
                "ask the provider for a corrected file.")


class StatementPdfUnavailable(PlatformError):
    code = "settlement_pdf_unavailable"
    status = 503
    message = _("The statement's PDF cannot be made on this server right now. Download the CSV instead.")
