TENANT_API = {
    "api/v1/customers/": ("get", None),
    "api/v1/customers/1/": ("get", None),
    "api/v1/customers/import/": ("post", {"file": ""}),
    "api/v1/customers/export/": ("get", None),
}
PUBLIC_API: dict = {}
