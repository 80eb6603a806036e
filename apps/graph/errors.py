"""The GraphQL endpoint's own refusals (the fields' refusals are the apps' own errors)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import InvalidCursor, PlatformError


class GraphQueryTooLarge(PlatformError):
    code = "graphql_query_too_large"
    status = 413
    message = _("The GraphQL request is too large.")


class GraphCursorInvalid(InvalidCursor):
    """A connection's `after` we did not give out (the REST lists' code and message)."""


class GraphBadRequest(PlatformError):
    """Not a GraphQL request: no query, a mutation over GET, a body that is not JSON."""

    code = "graphql_bad_request"
    status = 400
    message = _("This is not a GraphQL request we can read: send {\"query\": ...} as JSON (mutations by POST).")
