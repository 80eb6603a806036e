"""The backup file: one gzip'd tar holding

    manifest.json        format version, when, source tenant, migration state, and per
                         member: rows, SHA-256 (of the table's COPY text in key order)
    manifest.sig         HMAC-SHA256 of manifest.json (BACKUP_SIGNING_KEY, else derived
                         from SECRET_KEY): an edited manifest is refused
    schema/<table>.copy  every table of the tenant's schema, COPY text
    public/<model>.copy  the tenant's public rows, COPY text
    media/<path>         the tenant's uploaded files (MEDIA_ROOT/<schema>/...)

A reader checks the signature, then every member against the manifest, before anything
is restored: a damaged or altered file is refused whole."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from .errors import BackupCorrupt, BackupFileMissing

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CHUNK = 1 << 20


def _key() -> bytes:
    key = settings.BACKUP_SIGNING_KEY or f"backups:{settings.SECRET_KEY}"
    return hashlib.sha256(key.encode()).digest()


def sign(data: bytes) -> str:
    return hmac.new(_key(), data, hashlib.sha256).hexdigest()


class Writer:
    """Members appended one at a time to `<path>.part`, renamed to `path` by `close()`."""

    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(path.name + ".part")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tar = tarfile.open(self.partial, "w:gz", compresslevel=6)

    def add_stream(self, name: str, produce) -> tuple[int, str, int]:
        """`produce(write)` writes the member's bytes; returns what it returned, the SHA-256
        of the bytes and their size. Spooled to a temporary file (tar needs the size first)."""
        digest = hashlib.sha256()
        with tempfile.TemporaryFile(dir=self.path.parent) as spool:
            def write(chunk: bytes):
                digest.update(chunk)
                spool.write(chunk)

            result = produce(write)
            size = spool.tell()
            spool.seek(0)
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = 0o600
            self.tar.addfile(info, spool)
        return result, digest.hexdigest(), size

    def add_file(self, name: str, source: Path) -> tuple[str, int]:
        digest = hashlib.sha256()
        with source.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
            handle.seek(0)
            info = tarfile.TarInfo(name)
            info.size = source.stat().st_size
            info.mode = 0o600
            self.tar.addfile(info, handle)
        return digest.hexdigest(), info.size

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o600
        self.tar.addfile(info, io.BytesIO(data))

    def close(self, manifest: dict) -> int:
        data = json.dumps(manifest, sort_keys=True, indent=1).encode()
        self.add_bytes(MANIFEST, data)
        self.add_bytes(SIGNATURE, sign(data).encode())
        self.tar.close()
        os.replace(self.partial, self.path)
        return self.path.stat().st_size

    def abort(self) -> None:
        try:
            self.tar.close()
        finally:
            self.partial.unlink(missing_ok=True)


class Reader:
    """An opened, verified backup file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise BackupFileMissing(BackupFileMissing.message % {"path": self.path})
        try:
            self.tar = tarfile.open(self.path, "r:gz")
            self.members = {member.name: member for member in self.tar.getmembers()}
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            raise BackupCorrupt(BackupCorrupt.message % {"problem": f"not a readable backup archive ({exc})"}) \
                from exc
        self.manifest = self._manifest()
        self._verify_members()

    def _read(self, name: str) -> bytes:
        member = self.members.get(name)
        if member is None:
            raise BackupCorrupt(BackupCorrupt.message % {"problem": f"{name} is missing"})
        return self.tar.extractfile(member).read()

    def _manifest(self) -> dict:
        data = self._read(MANIFEST)
        if not hmac.compare_digest(self._read(SIGNATURE).decode(errors="replace").strip(), sign(data)):
            raise BackupCorrupt(BackupCorrupt.message % {
                "problem": "the manifest's signature does not match (edited, or signed with another key)"})
        manifest = json.loads(data)
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupCorrupt(BackupCorrupt.message % {"problem": f"unknown format {manifest.get('format')!r}"})
        return manifest

    def expected(self) -> dict[str, dict]:
        """{member name: {"sha256", "size"}} of every data member the manifest lists."""
        found = {}
        for section in ("schema", "public"):
            for name, entry in self.manifest[section].items():
                found[f"{section}/{name}.copy"] = entry["file"]
        for name, entry in self.manifest["media"].items():
            found[f"media/{name}"] = entry
        return found

    def _verify_members(self) -> None:
        expected = self.expected()
        extra = set(self.members) - set(expected) - {MANIFEST, SIGNATURE}
        if extra:
            raise BackupCorrupt(BackupCorrupt.message % {"problem": f"unexpected member {sorted(extra)[0]}"})
        for name, entry in expected.items():
            digest = hashlib.sha256()
            size = 0
            for chunk in self.chunks(name):
                digest.update(chunk)
                size += len(chunk)
            if digest.hexdigest() != entry["sha256"] or size != entry["size"]:
                raise BackupCorrupt(BackupCorrupt.message % {"problem": f"{name} does not match its checksum"})

    def chunks(self, name: str) -> Iterator[bytes]:
        member = self.members.get(name)
        if member is None:
            raise BackupCorrupt(BackupCorrupt.message % {"problem": f"{name} is missing"})
        handle = self.tar.extractfile(member)
        try:
            yield from iter(lambda: handle.read(CHUNK), b"")
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            raise BackupCorrupt(BackupCorrupt.message % {"problem": f"{name} cannot be read ({exc})"}) from exc

    def close(self) -> None:
        self.tar.close()
