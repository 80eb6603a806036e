"""The export's zip, written to disk as the rows are read.

Each dataset becomes one member, `<app>/<name>.csv` (BOM, header, one line per row; text
anyone could have typed goes through core.csvsafe), or `<app>/<name>.json` for a dataset
of one row (the workspace's settings). Rows come EXPORT_CHUNK at a time from one
server-side cursor (core.streaming) and go into the zip in blocks (core.renderers.csv_lines):
memory stays the same at a million rows as at ten. `manifest.json` comes last: what was
exported, when, the rows and the SHA-256 of every member.

A personal export adds `personal-data.json`: everything about the customer in one JSON
document, the same rows as the CSV files (one customer's rows are few)."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path

from apps.core.csvsafe import csv_safe
from apps.core.datasets import Dataset
from apps.core.renderers import csv_lines
from apps.core.streaming import rows_streamed

EXPORT_CHUNK = 2000
FORMAT_VERSION = 1


def plain(value):
    """A cell as JSON reads it: dates as ISO 8601, phone numbers in E.164, money as the
    integer it is stored as."""
    if value is None or isinstance(value, (bool, int, float, str, dict, list)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return str(value)


def csv_cell(value) -> str:
    value = plain(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_safe(value)


class _Member:
    """A zip member being written, with its SHA-256 and size."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        self.name = name
        self.handle = archive.open(name, "w", force_zip64=True)
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.digest.update(data)
        self.size += len(data)
        self.handle.write(data)

    def close(self) -> dict:
        self.handle.close()
        return {"file": self.name, "bytes": self.size, "sha256": self.digest.hexdigest()}


def _write_csv(archive, data: Dataset, rows: Iterable[tuple], counter: list[int]) -> dict:
    member = _Member(archive, f"{data.key}.csv")

    def cells():
        for row in rows:
            counter[0] += 1
            yield [csv_cell(value) for value in row]

    for block in csv_lines(list(data.columns), cells(), bom=True):
        member.write(block)
    return member.close()


def _write_json(archive, name: str, document) -> dict:
    member = _Member(archive, name)
    member.write(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False))
    return member.close()


def archive_write(path: Path, *, sets: list[Dataset], meta: dict, customer_id: int | None = None) -> dict:
    """Write the zip at `path`; returns the manifest ({"datasets": {key: {rows, file, sha256}}, ...})."""
    manifest = {"format": FORMAT_VERSION, **meta, "datasets": {}}
    personal: dict[str, list[dict]] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for data in sets:
            counter = [0]
            if data.single:
                rows = [dict(zip(data.columns, map(plain, row), strict=True))
                        for row in data.rows(customer_id=customer_id)]
                counter[0] = len(rows)
                entry = _write_json(archive, f"{data.key}.json", rows[0] if len(rows) == 1 else rows)
            elif customer_id is not None:  # one customer's rows: also kept for personal-data.json
                rows = list(data.rows(customer_id=customer_id))
                personal[data.key] = [dict(zip(data.columns, map(plain, row), strict=True)) for row in rows]
                entry = _write_csv(archive, data, rows, counter)
            else:
                entry = _write_csv(archive, data, rows_streamed(data.rows(), chunk_size=EXPORT_CHUNK), counter)
            manifest["datasets"][data.key] = {"rows": counter[0], "columns": list(data.columns), **entry}
        if customer_id is not None:
            _write_json(archive, "personal-data.json", {**meta, "data": personal})
        _write_json(archive, "manifest.json", manifest)
    return manifest
