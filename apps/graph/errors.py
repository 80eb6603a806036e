"""The GraphQL endpoint's own refusals (the fields' refusals are the apps' own errors)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class GraphQueryTooLarge(PlatformError):
    code = "graphql_query_too_large"
    status = 413
    message = _("The GraphQL request is too large.")


class GraphCursorInvalid(PlatformError):
    code = "invalid_cursor"
    status = 400
    message = _("This cursor is not one we gave out: start again without it.")


class GraphBadRequest(PlatformError):
    """Not a GraphQL request: no query, a mutation over GET, a body that is not JSON."""

    code = "graphql_bad_request"
    status = 400
    message = _("This is not a GraphQL request we can read: send {\"query\": ...} as JSON (mutations by POST).")
