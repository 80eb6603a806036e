"""Renderers for endpoints that answer with something other than JSON, and the streamed
CSV downloads (`csv_lines`, `csv_download`) every export uses: a file of any size goes
out a block at a time while the rows are read, its header at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import translation
from rest_framework.exceptions import NotAcceptable
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

BOM = "\ufeff"  # first in a download: spreadsheets then read the (Korean) text as UTF-8
BLOCK_CHARS = 64 * 1024  # rows are sent in blocks of about this size, not one write per row


class _Echo:
    """A file for csv.writer that hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list | None, rows: Iterable[list], *, bom: bool = False) -> Iterator[str]:
    """`header` (and the BOM) at once, before `rows` is asked for anything (so before a
    queryset behind it runs), then the rows as CSV in blocks of about BLOCK_CHARS: memory
    holds one block, whatever the number of rows. Cells are written as given: text
    someone typed goes through core.csvsafe first."""
    writer = csv.writer(_Echo())
    if header is not None or bom:
        yield (BOM if bom else "") + (writer.writerow(header) if header is not None else "")
    block, size = [], 0
    for row in rows:
        line = writer.writerow(row)
        block.append(line)
        size += len(line)
        if size >= BLOCK_CHARS:
            yield "".join(block)
            block, size = [], 0
    if block:
        yield "".join(block)


def csv_download(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A CSV attachment streamed from `lines` (`csv_lines`, BOM included). The lines are
    produced after the view has returned, in the language active now (headers and labels
    read as the person asking reads them)."""
    language = translation.get_language()

    def stream():
        with translation.override(language):
            yield from lines

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class CSVRenderer(BaseRenderer):
    """`text/csv`: rows (lists of values) as CSV, for what content negotiation offers and
    small answers held in memory anyway. Exports never come through here: they stream
    (`csv_download`), as a renderer can only return the whole body at once."""

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
