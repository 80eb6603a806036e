TENANT_API = {"api/v1/flags/": ("get", None)}
PUBLIC_API: dict = {}
