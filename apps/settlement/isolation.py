TENANT_API = {
    "api/v1/settlements/": ("get", None),
    "api/v1/settlements/1/": ("get", None),
    "api/v1/settlements/1/lines/": ("get", None),
}
