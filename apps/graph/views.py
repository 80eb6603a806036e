"""`/graphql/` on tenant hosts: the REST API's authentication (a JWT bound to this
workspace, an API key of it) and rate limits (a GraphQL request counts like a REST one),
then strawberry's Django view over apps.graph.schema. A request too large, or one that is
not GraphQL at all, gets the platform's error shape; errors inside a query keep GraphQL's
shape with our stable code in `extensions.code`, and an unexpected one is masked. A query
that cannot run (syntax, unknown fields, wrong values, limits) is worded in the reader's
language, with graphql-core's English words in `extensions.details.reason`."""

from __future__ import annotations

import json

from cross_web.exceptions import HTTPException
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language
from graphql import GraphQLError
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView
from strawberry.django.views import GraphQLView

from apps.core.errors import ServerError, error_payload

from .errors import GraphBadRequest, GraphQueryTooLarge, caused_by_query, validation_message
from .schema import schema

VALIDATION = "graphql_validation_error"  # syntax, unknown fields, depth and size limits: the query itself
UNEXPECTED = ServerError.code


def _code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if code:
        return code
    return VALIDATION if caused_by_query(error) else UNEXPECTED


class PlatformGraphQLView(GraphQLView):
    def dispatch(self, request, *args, **kwargs):
        try:
            return self.run(request=request)
        except HTTPException as exc:  # not a GraphQL request (no query, a mutation over GET, bad JSON)
            refusal = GraphBadRequest(details={"reason": exc.reason})
            return _json(error_payload(refusal.code, refusal.message, refusal.details), exc.status_code)

    def process_result(self, request, result):
        data = super().process_result(request, result)
        for error, shown in zip(result.errors or [], data.get("errors") or [], strict=False):
            code = _code(error)
            extensions = shown.setdefault("extensions", {})
            if code == UNEXPECTED:  # logged by strawberry; never shown
                shown["message"] = str(ServerError.message)
            elif code == VALIDATION:
                extensions["details"] = {"reason": shown["message"]}
                if not (get_language() or "en").startswith("en"):
                    shown["message"] = validation_message(shown["message"])
            extensions["code"] = code
        return data


def _json(payload: dict, status: int):
    return HttpResponse(json.dumps(payload), status=status, content_type="application/json")


_graphql = PlatformGraphQLView.as_view(schema=schema, graphql_ide="graphiql" if settings.GRAPHQL_IDE else None,
                                       allow_queries_via_get=True)


class GraphQLApi(APIView):
    """Authentication and throttling as every REST endpoint (REST_FRAMEWORK's defaults);
    the fields check permissions themselves."""

    permission_classes = [AllowAny]
    schema = None  # not in the OpenAPI document: GraphQL has its own (apps/graph/schema.graphql)

    def _run(self, request):
        raw = request._request
        limit = settings.GRAPHQL_MAX_BYTES
        if len(raw.body) > limit or len(raw.META.get("QUERY_STRING", "")) > limit:
            raise GraphQueryTooLarge(details={"max_bytes": limit})
        return _graphql(raw)

    def get(self, request, *args, **kwargs):
        return self._run(request)

    def post(self, request, *args, **kwargs):
        return self._run(request)

