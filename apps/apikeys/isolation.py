TENANT_API = {
    "api/v1/api-keys/": ("post", {"name": "Intruder", "permissions": ["customer:view"]}),
    "api/v1/api-keys/1/": ("get", None),
}
PUBLIC_API: dict = {}
