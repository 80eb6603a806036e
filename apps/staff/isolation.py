TENANT_API = {
    "api/v1/staff/": ("get", None),
    "api/v1/staff/1/": ("get", None),
    "api/v1/staff/1/deactivate/": ("post", None),
    "api/v1/staff/1/reactivate/": ("post", None),
    "api/v1/staff/1/roles/": ("put", {"roles": [{"role": "owner"}]}),
    "api/v1/invitations/": ("post", {"email": "intruder@example.com", "roles": ["owner"]}),
    "api/v1/invitations/1/": ("get", None),
    "api/v1/invitations/1/resend/": ("post", None),
    # Open by design (the token is the credential); a made-up token gets nothing.
    "api/v1/invitations/accept/": ("post", {"token": "not-a-token", "password": "whatever-2026"}),
    "invite/1/": ("get", None),
}
PUBLIC_API: dict = {}
