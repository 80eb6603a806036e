TENANT_API = {
    "api/v1/branches/": ("post", {"name": "Intruder branch"}),
    "api/v1/branches/1/": ("patch", {"name": "Renamed"}),
}
PUBLIC_API: dict = {}
