TENANT_API = {
    "api/v1/settings/": ("get", None),
    # Public branding (shown on the login page); alpha has no logo in tests: 404.
    "branding/logo/": ("get", None),
}
PUBLIC_API: dict = {}
