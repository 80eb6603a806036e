TENANT_API = {
    "api/v1/settings/": ("get", None),
    # Custom domains (apps.workspace.domains): the list and one domain.
    "api/v1/domains/": ("get", None),
    "api/v1/domains/1/": ("get", None),
    # Public branding (shown on the login page); alpha has no logo in tests: 404.
    "branding/logo/": ("get", None),
    # Data exports (apps.workspace.export): the list, one export, a customer's personal data,
    # and the signed download link ("1" is no valid signature: 403 in the error shape).
    "api/v1/exports/": ("post", None),
    "api/v1/exports/1/": ("get", None),
    "api/v1/customers/1/personal-export/": ("post", None),
    "exports/download/1/": ("get", None),
}
PUBLIC_API: dict = {}
