"""Building blocks for the catalog's tests."""

from __future__ import annotations

import io

from django_tenants.utils import schema_context

MENU_GROUPS = [
    {"name": "Size", "required": True, "translations": {"en": {"name": "Size"}, "ko": {"name": "사이즈"}},
     "options": [{"name": "Regular", "price_delta": 0}, {"name": "Large", "price_delta": 500}]},
    {"name": "Extras", "max_choices": 2, "options": [{"name": "Extra shot", "price_delta": 500},
                                                     {"name": "Oat milk", "price_delta": 300}]},
]


def image_bytes(kind: str = "PNG", size=(4, 3)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=kind)
    return buffer.getvalue()


def upload(content: bytes, name: str = "photo.png", content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def make_item(slug: str = "alpha", *, option_groups=None, branches=(), **data):
    """An item created through the service (as nobody: a system write)."""
    from apps.catalog.services import item_create

    defaults = {"name": "Americano", "price": 4500, "kind": "menu_item"}
    with schema_context(slug):
        return item_create(actor=None, option_groups=option_groups, branches=branches, **{**defaults, **data})
