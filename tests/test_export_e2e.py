"""The owner's export through real processes: two committed workspaces with distinctive
data; the owner of the first asks for an export over HTTP (the live web server), a real
Celery worker builds it from the queue, the signed link downloads the zip over HTTP, and
the zip holds the first workspace's rows and nothing of the second. The link refuses to
work once tampered with, and on the other workspace's host."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from apps.workspace.tests.export_seed import seed
from tests.food_e2e_helpers import Http, ok, refused, token
from tests.plugin import PASSWORD, create_provisioned, wait_for

pytestmark = [pytest.mark.worker]

MINE, THEIRS = "e2e-export-a", "e2e-export-b"
OWNER, OTHER = f"owner@{MINE}.test", f"owner@{THEIRS}.test"
MARK, OTHER_MARK = "EXPMINE", "EXPTHEIRS"


def _workspace(committed, slug: str, owner: str, kind: str, marker: str):
    from apps.accounts.models import User

    tenant = create_provisioned(slug=committed.tenant_slug(slug), name=f"{marker} Workspace", business_type=kind,
                                owner_email=committed.email(owner))
    user = User.objects.get(email=owner)
    user.set_password(PASSWORD)
    user.save()
    with schema_context(tenant.schema_name):
        seed(marker, academy=kind == "academy", food=kind == "food")
    connection.set_schema_to_public()
    return tenant


def test_the_owner_exports_through_the_worker_and_downloads_over_http(committed, celery_worker_process,
                                                                       live_server_url):
    mine = _workspace(committed, MINE, OWNER, "academy", MARK)
    theirs = _workspace(committed, THEIRS, OTHER, "food", OTHER_MARK)
    base = live_server_url.format(host="127.0.0.1")
    shop = Http(base, f"{MINE}.{settings.BASE_DOMAIN}", language="en")
    owner = shop.as_(token(shop, OWNER))
    try:
        asked = ok(owner("POST", "/api/v1/exports/"), 202)
        assert asked["status"] == "pending"

        def ready():
            body = ok(owner("GET", f"/api/v1/exports/{asked['id']}/"), 200)
            assert body["status"] != "failed", body
            return body if body["status"] == "ready" else None

        body = wait_for(ready, "the worker to build the export", seconds=120)
        link = urlsplit(body["download_url"]).path
        anyone = Http(base, f"{MINE}.{settings.BASE_DOMAIN}")  # the link is the credential
        got = anyone("GET", link)
        assert got.status_code == 200 and got.headers["Content-Type"] == "application/zip", got.text[:300]
        with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
            files = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
        manifest = json.loads(files["manifest.json"])
        assert manifest["workspace"] == MINE and manifest["datasets"]["crm/customers"]["rows"] == 2
        everything = "\n".join(files.values())
        for value in [f"{MARK} First Customer", f"{MARK} Guardian", f"{MARK} order of", f"{MARK}-pay-0",
                      f"{MARK} refund reason", f"{MARK} Class", f"{MARK} Legal Name"]:
            assert value in everything, value
        assert OTHER_MARK not in everything and OTHER_MARK.lower() not in everything and OTHER not in everything

        tampered = link.replace(link.split("/")[-2], link.split("/")[-2][:-2] + "zz")
        refused(anyone("GET", tampered), 403, "export_link_invalid")
        elsewhere = Http(base, f"{THEIRS}.{settings.BASE_DOMAIN}")
        refused(elsewhere("GET", link), 403, "export_link_invalid")
        # and the other workspace's owner cannot read this one's exports with their token
        other_owner = elsewhere.as_(token(elsewhere, OTHER))
        assert other_owner("GET", f"/api/v1/exports/{asked['id']}/").status_code == 404
        assert theirs.slug == THEIRS
    finally:
        for tenant in (mine, theirs):
            shutil.rmtree(Path(settings.EXPORTS_ROOT) / tenant.schema_name, ignore_errors=True)
