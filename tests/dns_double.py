"""A local DNS server for tests (dnslib): answers TXT and CNAME questions from a dict the
test changes while it runs, on a free UDP port of 127.0.0.1. Point DNS_RESOLVERS at
`server.address` ("127.0.0.1:<port>") and the platform's resolver asks it, as it would ask
a real one: nothing of ours is patched.

    with DnsDouble() as dns_server:
        dns_server.set_txt("_platform-verify.shop.example.org", "token")
        settings.DNS_RESOLVERS = [dns_server.address]
"""

from __future__ import annotations

import socket
import threading

from dnslib import CNAME, QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer


class _Resolver(BaseResolver):
    def __init__(self, zone: DnsDouble):
        self.zone = zone

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        with self.zone.lock:
            txt = list(self.zone.txt.get(name, ()))
            cname = self.zone.cname.get(name)
        if qtype == "TXT":
            for value in txt:
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(value), ttl=1))
        elif qtype == "CNAME" and cname:
            reply.add_answer(RR(request.q.qname, QTYPE.CNAME, rdata=CNAME(cname), ttl=1))
        if not reply.rr and not (txt or cname):
            reply.header.rcode = 3  # NXDOMAIN: the name has no records at all
        with self.zone.lock:
            self.zone.questions.append((name, qtype))
        return reply


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DnsDouble:
    def __init__(self):
        self.lock = threading.Lock()
        self.txt: dict[str, list[str]] = {}
        self.cname: dict[str, str] = {}
        self.questions: list[tuple[str, str]] = []
        self.port = _free_udp_port()
        self.server = DNSServer(_Resolver(self), address="127.0.0.1", port=self.port,
                                logger=DNSLogger(logf=lambda _message: None))

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def set_txt(self, name: str, *values: str) -> None:
        with self.lock:
            self.txt[name.lower()] = list(values)

    def remove(self, name: str) -> None:
        with self.lock:
            self.txt.pop(name.lower(), None)
            self.cname.pop(name.lower(), None)

    def set_cname(self, name: str, target: str) -> None:
        with self.lock:
            self.cname[name.lower()] = target

    def __enter__(self) -> DnsDouble:
        self.server.start_thread()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()
        self.server.server.server_close()
