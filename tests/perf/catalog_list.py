"""The customers' item list (GET /api/v1/catalog/items/, anonymous): queries per request
and median latency at page sizes 10, 50 and 200, over 200 active items with two option
groups (four options), a branch on every other item and an image on every fifth. The
query count must not depend on the page size. Each figure built (CATALOG_OPEN_CACHE_SECONDS=0:
read from the schema and serialized) and answered from the catalog's cache (the default:
apps.catalog), side by side, alternating blocks, with the ratio.

    .venv/bin/python tests/perf/catalog_list.py
"""

import io
import json

from _setup import median_ms, perf_database, timed

with perf_database():
    import tempfile

    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django_tenants.utils import schema_context
    from PIL import Image

    from apps.branches.models import Branch
    from apps.catalog.services import category_create, item_create, item_image_add
    from tests.plugin import create_provisioned

    ITEMS, SIZES, REPEAT = 200, (10, 50, 200), 30
    GROUPS = [
        {"name": "Size", "required": True, "translations": {"en": {"name": "Size"}},
         "options": [{"name": "Regular"}, {"name": "Large", "price_delta": 500}]},
        {"name": "Extras", "max_choices": 2, "options": [{"name": "Extra shot", "price_delta": 500},
                                                         {"name": "Oat milk", "price_delta": 300}]},
    ]

    def png() -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (10, 120, 200)).save(buffer, format="PNG")
        return buffer.getvalue()

    cache.delete_pattern("tenants:*")
    tenant = create_provisioned(slug="perf-catalog", name="Perf Catalog", business_type="food",
                       owner_email="owner@perf-catalog.test")
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        with schema_context(tenant.schema_name):
            branch = Branch.objects.create(name="Perf branch")
            categories = [category_create(actor=None, name=f"Category {n}", translations={"en": {"name": f"C{n}"}})
                          for n in range(5)]
            for n in range(ITEMS):
                item = item_create(actor=None, name=f"메뉴 {n}", description="설명", price=4500 + n * 100,
                                   kind="menu_item", category=categories[n % 5], option_groups=GROUPS,
                                   translations={"en": {"name": f"Dish {n}", "description": "A dish"}},
                                   branches=[branch.pk] if n % 2 else [], stock=50 if n % 3 == 0 else None)
                if n % 5 == 0:
                    item_image_add(item=item, actor=None, image=SimpleUploadedFile("p.png", png(), "image/png"))
        connection.set_schema_to_public()

        client = Client(HTTP_HOST="perf-catalog.localhost")
        override_settings(RATELIMIT_ANON_PER_MINUTE=10**9).enable()  # no 429 among the requests measured
        results = {}
        for size in SIZES:
            path = f"/api/v1/catalog/items/?page_size={size}&lang=en"
            figures = {}
            for mode, seconds in (("built", 0), ("cached", 600)):
                with override_settings(CATALOG_OPEN_CACHE_SECONDS=seconds):
                    assert client.get(path).status_code == 200  # routing (and the answer) cached: the steady state
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(path)
                assert response.status_code == 200 and len(response.json()["results"]) == size, response.content[:300]
                figures[mode] = {"queries": len(queries), "samples": [], "bytes": len(response.content)}
            for _ in range(REPEAT // 10):  # alternating blocks: load elsewhere affects both alike
                for mode, seconds in (("built", 0), ("cached", 600)):
                    with override_settings(CATALOG_OPEN_CACHE_SECONDS=seconds):
                        figures[mode]["samples"] += timed(lambda path=path: client.get(path), 10)
            for entry in figures.values():
                entry["median_ms"] = median_ms(entry.pop("samples"))
            figures["cached_vs_built"] = round(figures["cached"]["median_ms"] / figures["built"]["median_ms"], 3)
            results[f"page_size_{size}"] = figures
        assert len({entry["built"]["queries"] for entry in results.values()}) == 1, results

    print(json.dumps({"items": ITEMS, "repeat": REPEAT, **results}, indent=2))
