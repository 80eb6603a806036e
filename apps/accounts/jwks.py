"""`GET /.well-known/jwks.json` on every host (apps.tenants.middleware.ANY_HOST_PATHS): the
public keys that verify our tokens (RFC 7517), for services that check them on their own
(PyJWT's PyJWKClient, python-jose, ...). Cacheable for JWT_JWKS_MAX_AGE seconds: a new key
is listed (after the signing one) at least that long before it starts signing."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from .keys import keyring


@require_GET
def jwks_view(request):
    response = JsonResponse(keyring().jwks(), content_type="application/jwk-set+json")
    patch_cache_control(response, public=True, max_age=settings.JWT_JWKS_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"  # public keys: any front-end may read them
    return response
