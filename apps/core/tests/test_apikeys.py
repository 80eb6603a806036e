"""The shared API-key format: what is minted parses back to the row's prefix and to what
the stored hash covers; anything else is not a key."""

import pytest

from apps.core.apikeys import KeyFormat
from apps.core.secrets import secret_hash, secret_matches

PLATFORM = KeyFormat(lead="pk_", sep="_", prefix_bytes=6, hash_whole_key=True)
WORKSPACE = KeyFormat(lead="", sep=".", prefix_bytes=4, hash_whole_key=False)


@pytest.mark.parametrize("key_format", [PLATFORM, WORKSPACE], ids=["platform", "workspace"])
def test_minted_keys_parse_to_their_prefix_and_hash(key_format):
    prefix, raw, stored = key_format.mint()
    assert raw.startswith(key_format.lead + prefix + key_format.sep)
    parsed_prefix, hashed_part = key_format.parse(raw)
    assert parsed_prefix == prefix and secret_matches(stored, hashed_part)
    assert stored != secret_hash(raw) or key_format.hash_whole_key
    assert key_format.mint()[1] != raw  # random every time


@pytest.mark.parametrize("raw", ["", "   ", "pk_", "pk_abc", "pk__secret", "sk_abc_secret", "abc.secret"])
def test_platform_format_refuses_what_is_not_a_platform_key(raw):
    assert PLATFORM.parse(raw) is None


@pytest.mark.parametrize("raw", ["", "abc", "abc.", ".secret"])
def test_workspace_format_refuses_what_is_not_a_workspace_key(raw):
    assert WORKSPACE.parse(raw) is None


def test_a_changed_secret_does_not_match():
    prefix, raw, stored = WORKSPACE.mint()
    assert not secret_matches(stored, WORKSPACE.parse(raw[:-1] + ("A" if raw[-1] != "A" else "B"))[1])
