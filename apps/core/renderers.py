"""Renderers for endpoints that answer with something other than JSON."""

import csv
import io

from rest_framework.exceptions import NotAcceptable
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response


class CSVRenderer(BaseRenderer):
    """`text/csv`: rows (lists of values) as CSV. Exports usually stream their CSV
    themselves (StreamingHttpResponse); this renderer is what content negotiation offers."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        csv.writer(out).writerows(data or [])
        return out.getvalue().encode(self.charset)


def _render_as_json(request) -> None:
    request.accepted_renderer = JSONRenderer()
    request.accepted_media_type = JSONRenderer.media_type


class JsonErrorsMixin:
    """For views that render something else on success (a schema in YAML, an HTML page):
    their errors are JSON in the error shape all the same."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            _render_as_json(request)
        return super().finalize_response(request, response, *args, **kwargs)


class CsvExportMixin:
    """For a view whose success is a CSV download: `Accept: text/csv` (or */*, or none) is
    served, any other Accept is a 406, and errors (anything but rows) are JSON in the
    error shape whatever was asked. JSON is negotiable so that who may export is decided
    first: an outsider asking for JSON gets 401/403, a member 406."""

    renderer_classes = [CSVRenderer, JSONRenderer]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not isinstance(request.accepted_renderer, CSVRenderer):
            raise NotAcceptable()

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and not isinstance(response.data, list):
            _render_as_json(request)
        return super().finalize_response(request, response, *args, **kwargs)
