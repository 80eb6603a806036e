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


# graphql-core and strawberry word a query's own faults in English. Outside English the
# message is ours, by kind of fault (first match), and the library's words stay in
# `extensions.details.reason` (as the REST API does with a body that is not JSON).
VALIDATION_MESSAGES = [
    (("Syntax Error",), _("The GraphQL query is not written correctly (see its line and column).")),
    (("exceeds maximum operation depth",), _("The query nests fields deeper than this API allows.")),
    (("tokens.",), _("The query is longer than this API allows.")),
    (("aliases found",), _("The query uses more aliases than this API allows.")),
    (("introspection",), _("This API's schema cannot be queried here.")),
    (("Cannot query field", "Unknown argument", "Unknown type", "Unknown fragment", "Unknown directive",
      "Unknown operation"), _("The query asks for a field, argument or type this API does not have.")),
    (("is required", "was not provided", "to be provided", "not to be None"),
     _("The query leaves out a value this API requires.")),
    (("cannot represent", "got invalid value", "has invalid value", "Expected value of type", "Expected type", "Enum "),
     _("A value in the query is not of the type this API expects.")),
]
VALIDATION_FALLBACK = _("This GraphQL query cannot be run as written.")


def validation_message(reason: str) -> str:
    for needles, message in VALIDATION_MESSAGES:
        if any(needle in reason for needle in needles):
            return str(message)
    return str(VALIDATION_FALLBACK)


def caused_by_query(error) -> bool:
    """Whether a GraphQL error is the query's own fault (syntax, validation, a variable's
    value that graphql-core could not coerce: its original error is graphql-core's own),
    not an exception of ours."""
    from graphql import GraphQLError

    return error.original_error is None or isinstance(error.original_error, GraphQLError)
