"""The directory's refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import NotFound


class ListingNotFound(NotFound):
    message = _("There is no business listed under this name.")
