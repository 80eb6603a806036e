"""Backups' refusals (stable codes: the commands and the portal show their messages)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class BackupError(PlatformError):
    code = "backup_error"
    status = 400
    message = _("The backup could not be made or restored.")


class BackupFileMissing(BackupError):
    code = "backup_file_missing"
    status = 404
    message = _("There is no backup file at %(path)s.")


class BackupCorrupt(BackupError):
    code = "backup_corrupt"
    status = 400
    message = _("The backup file is damaged or has been altered: %(problem)s")


class SchemaVersionMismatch(BackupError):
    code = "backup_schema_mismatch"
    status = 409
    message = _("The backup was made with other database migrations than this platform runs now "
                "(%(difference)s). Restore it with the version that made it.")


class RestoreTargetExists(BackupError):
    code = "backup_target_exists"
    status = 409
    message = _("A tenant with the address “%(slug)s” already exists. Choose another slug for the copy.")


class RestoreTargetMissing(BackupError):
    code = "backup_target_missing"
    status = 404
    message = _("The tenant “%(slug)s” this backup belongs to is not here (or is another tenant now). "
                "Restore it as a copy with --as.")


class RestoreVerificationFailed(BackupError):
    code = "backup_verification_failed"
    status = 500
    message = _("The restored data does not match the backup (%(problem)s); nothing was changed.")


class RestoreNotAllowed(BackupError):
    code = "backup_restore_not_allowed"
    status = 409
    message = _("This tenant cannot be restored now: %(reason)s")


class BackupBusy(BackupError):
    code = "backup_busy"
    status = 409
    message = _("A backup or restore of this tenant is already under way.")


class ConfirmationMismatch(BackupError):
    code = "backup_confirmation"
    status = 400
    message = _("Type the tenant's slug exactly to confirm.")
