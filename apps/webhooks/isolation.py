TENANT_API = {
    "api/v1/webhook-events/": ("get", None),
    "api/v1/webhook-endpoints/": ("post", {"url": "https://example.com/hook", "events": []}),
    "api/v1/webhook-endpoints/1/": ("get", None),
    "api/v1/webhook-endpoints/1/rotate-secret/": ("post", {}),
    "api/v1/webhook-endpoints/1/replay/": ("post", {"since": "2026-01-01T00:00:00Z"}),
    "api/v1/webhook-endpoints/1/attempts/": ("get", None),
}
PUBLIC_API: dict = {}
