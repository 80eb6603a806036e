"""CRM's refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class BranchOutOfScope(PlatformError):
    code = "branch_out_of_scope"
    status = 403
    message = _("You cannot manage customers of this branch.")


class ImportTooLarge(PlatformError):
    code = "import_too_large"
    status = 400
    message = _("The file is larger than 5 MB; split it.")


class ImportBadEncoding(PlatformError):
    code = "import_bad_encoding"
    status = 400
    message = _("The file is not UTF-8 text. Save it as “CSV UTF-8”.")


class ImportBadHeader(PlatformError):
    """`details`: the columns expected and found."""

    code = "import_bad_header"
    status = 400
    message = _("The first line must name the columns and include “name”.")
