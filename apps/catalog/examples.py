"""Examples in the catalog API's OpenAPI description (apps.catalog.apis)."""

ITEM_EXAMPLE = {
    "kind": "menu_item", "category": 1, "name": "아메리카노", "description": "에스프레소와 물",
    "translations": {"en": {"name": "Americano", "description": "Espresso and water"}},
    "price": 4500, "vat_rate": "10.00", "stock": None, "branches": [],
    "option_groups": [
        {"name": "Size", "required": True, "min_choices": 1, "max_choices": 1,
         "options": [{"name": "Regular", "price_delta": 0}, {"name": "Large", "price_delta": 500}]},
        {"name": "Extras", "max_choices": 3, "options": [{"name": "Extra shot", "price_delta": 500}]},
    ],
}
OPEN_ITEM_EXAMPLE = {
    "id": 7, "kind": "menu_item", "category": 1, "category_name": "Coffee", "name": "Americano",
    "description": "Espresso and water", "price": 4500, "currency": "KRW", "price_display": "₩4,500",
    "vat_rate": "10.00", "sold_out": False, "stock": None, "branches": [],
    "option_groups": [{"id": 3, "name": "Size", "required": True, "min_choices": 1, "max_choices": 1, "options": [
        {"id": 8, "name": "Regular", "price_delta": 0, "price_delta_display": "", "is_available": True},
        {"id": 9, "name": "Large", "price_delta": 500, "price_delta_display": "+₩500", "is_available": True}]}],
    "images": [{"id": 2, "url": "https://bistro.example.com/api/v1/catalog/images/2/", "alt_text": "",
                "position": 0}],
}
