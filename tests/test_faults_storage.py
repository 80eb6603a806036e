"""The disk for uploaded files full (a real, tiny file system mounted for the test): an
upload is refused with a clear 507 in the error shape, leaves no partial file and no row,
and everything else keeps working."""

from __future__ import annotations

import subprocess

import pytest
from django_tenants.utils import schema_context

from apps.catalog.models import ItemImage
from apps.catalog.tests.helpers import image_bytes, make_item, upload
from tests.workspace import api

MANAGE = "/api/v1/catalog/manage"


@pytest.fixture
def full_disk(settings, tmp_path):
    """MEDIA_ROOT on a 64 KB tmpfs (root may mount one; skipped where it may not)."""
    mount = tmp_path / "media"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True,
                            text=True)
    if result.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    settings.MEDIA_ROOT = str(mount)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def _owner():
    client = api("alpha", "owner@alpha.test")
    client.raise_request_exception = False  # answer as the server does (handler500), not raise
    return client


def test_an_upload_to_a_full_disk_is_refused_whole(db, full_disk):
    owner = _owner()
    item = make_item(name="Cake")
    big = image_bytes("PNG", size=(400, 400)) + b"\0" * 200_000  # a PNG may carry trailing bytes; 200 KB > 64 KB
    refused = owner.post(f"{MANAGE}/items/{item.pk}/images/", {"image": upload(big, "big.png")})
    assert refused.status_code == 507, refused.content
    error = refused.json()["error"]
    assert error["code"] == "storage_full" and "storage is full" in error["message"]
    assert _files(full_disk) == []  # the part written before the disk filled up is gone
    with schema_context("alpha"):
        assert not ItemImage.objects.filter(item=item).exists()
    # Nothing else broke: reads work, and a file that fits is stored
    assert owner.get(f"{MANAGE}/items/{item.pk}/").status_code == 200
    small = owner.post(f"{MANAGE}/items/{item.pk}/images/", {"image": upload(image_bytes("PNG"), "small.png")})
    assert small.status_code == 201, small.content
    assert len(_files(full_disk)) == 1


def test_the_storage_full_error_speaks_korean(db, full_disk):
    owner = _owner()
    item = make_item(name="Cake")
    big = image_bytes("PNG", size=(400, 400)) + b"\0" * 200_000
    refused = owner.post(f"{MANAGE}/items/{item.pk}/images/", {"image": upload(big, "big.png")},
                         HTTP_ACCEPT_LANGUAGE="ko")
    assert refused.status_code == 507 and refused.json()["error"]["code"] == "storage_full"
    assert "저장" in refused.json()["error"]["message"]
