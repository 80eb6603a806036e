"""The client address: REMOTE_ADDR, or X-Forwarded-For only through TRUSTED_PROXIES."""

import pytest
from django.test import RequestFactory, override_settings

from apps.core.net import client_ip


def request(remote="198.51.100.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(request(forwarded="203.0.113.9")) == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "192.168.1.5"])
@pytest.mark.parametrize("remote, forwarded, expected", [
    ("10.1.2.3", "203.0.113.9", "203.0.113.9"),                       # one proxy of ours
    ("10.1.2.3", "1.2.3.4, 203.0.113.9", "203.0.113.9"),              # the client forged the left part
    ("10.1.2.3", "203.0.113.9, 192.168.1.5", "203.0.113.9"),          # two proxies of ours
    ("10.1.2.3", "", "10.1.2.3"),                                     # no header
    ("10.1.2.3", "not-an-ip", "10.1.2.3"),                            # garbage: the peer
    ("198.51.100.1", "203.0.113.9", "198.51.100.1"),                  # not from a proxy of ours
    ("10.1.2.3", "2001:db8::1", "2001:db8::1"),
])
def test_trusted_proxies_name_the_client(remote, forwarded, expected):
    assert client_ip(request(remote, forwarded)) == expected
