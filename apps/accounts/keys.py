"""The keys our JWTs are signed with, so that other services can verify them without a
shared secret: RS256, the key's id (`kid`, its RFC 7638 thumbprint) in every token's
header, the public halves published at /.well-known/jwks.json (apps.accounts.jwks).

JWT_PRIVATE_KEYS holds PEMs: the first signs, the others only verify (rotation: a new key
goes in first, the previous one stays after it until the last token it signed has
expired). Without it (development, tests) a key is generated once and kept in
JWT_GENERATED_KEY_FILE, shared by every process of the checkout; production refuses to
start without keys (platform_/settings/prod.py).

HS256 tokens signed with the old shared secret (SIMPLE_JWT["SIGNING_KEY"]) are accepted
only until JWT_HS256_ACCEPTED_UNTIL: the transition window after the switch.

simplejwt's token classes find their backend at `rest_framework_simplejwt.state.token_backend`
(looked up per token): AccountsConfig.ready puts a KeyringBackend there, so that every
token (ours, the blacklist app's, simplejwt's JWTAuthentication) is signed and verified here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from jwt.algorithms import RSAAlgorithm
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken
from rest_framework_simplejwt.settings import api_settings

ALGORITHM = "RS256"
LEGACY_ALGORITHM = "HS256"
_KEY_SETTINGS = {"JWT_PRIVATE_KEYS", "JWT_GENERATED_KEY_FILE"}


@dataclass(frozen=True)
class Key:
    kid: str
    public: rsa.RSAPublicKey
    private: rsa.RSAPrivateKey | None  # None: a retired key known by its public half only

    def jwk(self) -> dict:
        """The public key as an RFC 7517 JWK."""
        jwk = RSAAlgorithm.to_jwk(self.public, as_dict=True)
        # `use` rather than PyJWT's `key_ops` (RFC 7517 4.3: not both)
        return {"kty": jwk["kty"], "n": jwk["n"], "e": jwk["e"], "kid": self.kid, "alg": ALGORITHM, "use": "sig"}


@dataclass(frozen=True)
class Keyring:
    signing: Key
    keys: tuple[Key, ...]

    def by_kid(self, kid) -> Key | None:
        return next((key for key in self.keys if key.kid == kid), None)

    def jwks(self) -> dict:
        return {"keys": [key.jwk() for key in self.keys]}


def thumbprint(public: rsa.RSAPublicKey) -> str:
    """RFC 7638: SHA-256 of the JWK's required members, base64url without padding."""
    jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
    canonical = json.dumps({name: jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def load_key(pem: str) -> Key:
    data = pem.encode()
    if "PUBLIC KEY" in pem.split("\n", 1)[0]:
        private, public = None, serialization.load_pem_public_key(data)
    else:
        private = serialization.load_pem_private_key(data, password=None)
        public = private.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise ImproperlyConfigured("JWT_PRIVATE_KEYS: only RSA keys are supported (RS256).")
    return Key(kid=thumbprint(public), public=public, private=private)


def generate_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _generated_pem(path: Path) -> str:
    """The development key in `path`, created on first use (atomically: processes started
    together agree on one key)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        draft.write_text(generate_pem())
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text()


_ring: Keyring | None = None
_lock = threading.Lock()


def keyring() -> Keyring:
    global _ring
    ring = _ring
    if ring is None:
        with _lock:
            pems = list(settings.JWT_PRIVATE_KEYS)
            if not pems:
                if not settings.JWT_GENERATED_KEY_FILE:
                    raise ImproperlyConfigured("JWT_PRIVATE_KEYS must hold the PEM of the key that signs tokens.")
                pems = [_generated_pem(Path(settings.JWT_GENERATED_KEY_FILE))]
            keys = tuple(load_key(pem) for pem in pems)
            if keys[0].private is None:
                raise ImproperlyConfigured("JWT_PRIVATE_KEYS: the first key signs, it must be a private key.")
            ring = _ring = Keyring(signing=keys[0], keys=keys)
    return ring


def _forget(*, setting, **kwargs) -> None:
    global _ring
    if setting in _KEY_SETTINGS:
        _ring = None


setting_changed.connect(_forget)


def legacy_window_open() -> bool:
    until = settings.JWT_HS256_ACCEPTED_UNTIL
    return bool(until) and timezone.now() < until


class KeyringBackend(TokenBackend):
    """simplejwt's TokenBackend with our keys: signs RS256 with the current key, verifies
    by the token's own header (`kid` among our keys; HS256 only in the transition window)."""

    def __init__(self):
        super().__init__(ALGORITHM, None, "", api_settings.AUDIENCE, api_settings.ISSUER, None,
                         api_settings.LEEWAY, api_settings.JSON_ENCODER)

    def encode(self, payload: dict) -> str:
        claims = payload.copy()
        if self.audience is not None:
            claims["aud"] = self.audience
        if self.issuer is not None:
            claims["iss"] = self.issuer
        key = keyring().signing
        return jwt.encode(claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid},
                          json_encoder=self.json_encoder)

    def key_for(self, token) -> tuple[str, object]:
        """(algorithm, key) for `token`, from its header; TokenBackendError when none of ours."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError(_("Token is invalid")) from exc
        algorithm = header.get("alg")
        if algorithm == ALGORITHM:
            key = keyring().by_kid(header.get("kid"))
            if key is not None:
                return algorithm, key.public
        elif algorithm == LEGACY_ALGORITHM and legacy_window_open():
            return algorithm, settings.SIMPLE_JWT["SIGNING_KEY"]
        raise TokenBackendError(_("Token is invalid"))

    def decode(self, token, verify: bool = True) -> dict:
        algorithm, key = self.key_for(token)
        try:
            return jwt.decode(token, key, algorithms=[algorithm], audience=self.audience, issuer=self.issuer,
                              leeway=self.get_leeway(),
                              options={"verify_aud": self.audience is not None, "verify_signature": verify})
        except jwt.ExpiredSignatureError as exc:
            raise TokenBackendExpiredToken(_("Token is expired")) from exc
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError(_("Token is invalid")) from exc


def install() -> None:
    """Make every simplejwt token use KeyringBackend (see the module's docstring)."""
    from rest_framework_simplejwt import state

    state.token_backend = KeyringBackend()
