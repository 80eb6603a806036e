"""OpenAPI security scheme of the platform API (service market)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PlatformApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.market.authentication.PlatformApiKeyAuthentication"
    name = "platformApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Api-Key pk_...`: a platform API key issued in the ops portal (or the "
                               "`X-API-Key` header)."}
