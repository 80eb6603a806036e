"""A webhook receiver for tests and benchmarks, run as its own process:

    python tests/webhook_receiver.py --port 8123 --secret whsec_... [--secret whsec_...]

Every POST is verified with the official `standardwebhooks` library, once per secret it
knows (`verified_by`: the indexes of the secrets whose signature checks out, so a test of
a rotation can ask "would a receiver knowing only the new/old secret accept it?"), and
recorded. It answers 204 when any secret verifies, 401 otherwise, unless told otherwise:

    POST /_control   {"secrets": [...], "fail_first": 3, "fail_status": 500, "status": 410,
                      "delay": 2.5, "redirect": "http://...", "clock": <epoch>, "reset": true}
    GET  /_control   -> {"received": [...records...], "config": {...}}

`clock` sets this process's clock (time-machine) to the sender's, so that a test that
travels in time can still have the timestamp checked against "now". `--count-only`
(benchmarks) skips the verification and the records and only counts requests.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

LOCK = threading.Lock()
STATE = {"received": [], "config": {"secrets": [], "fail_first": 0, "fail_status": 500, "status": None,
                                    "delay": 0, "redirect": None}, "seen": 0, "count": 0, "traveller": None,
         "generation": 0}
COUNT_ONLY = False


def _set_clock(epoch: float | None) -> None:
    import time_machine

    if STATE["traveller"] is not None:
        STATE["traveller"].stop()
        STATE["traveller"] = None
    if epoch is not None:
        STATE["traveller"] = time_machine.travel(epoch, tick=True)
        STATE["traveller"].start()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _reply(self, status: int, body: bytes = b"", content_type: str = "application/json", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        if self.path.startswith("/_control"):
            with LOCK:
                data = {"received": STATE["received"], "config": STATE["config"], "count": STATE["count"]}
            return self._reply(200, json.dumps(data).encode())
        return self._reply(404)

    def do_POST(self):
        body = self._body()
        if self.path.startswith("/_control"):
            command = json.loads(body or b"{}")
            with LOCK:
                if command.pop("reset", False):
                    STATE["received"], STATE["seen"], STATE["count"] = [], 0, 0
                    STATE["generation"] += 1  # requests still under way are not recorded after a reset
                if "clock" in command:
                    _set_clock(command.pop("clock"))
                STATE["config"].update(command)
            return self._reply(200, b"{}")
        if COUNT_ONLY:
            with LOCK:
                STATE["count"] += 1
            return self._reply(204)
        with LOCK:
            config = dict(STATE["config"])
            STATE["seen"] += 1
            seen, generation = STATE["seen"], STATE["generation"]
        headers = {name.lower(): value for name, value in self.headers.items()}
        verified_by, errors = [], []
        for index, secret in enumerate(config["secrets"]):
            try:
                Webhook(secret).verify(body, headers)
                verified_by.append(index)
            except WebhookVerificationError as error:
                errors.append(str(error))
        if config["delay"]:
            time.sleep(config["delay"])
        redirect = {}
        if not verified_by:
            status = 401
        elif seen <= config["fail_first"]:
            status = config["fail_status"]
        elif config["redirect"]:
            status, redirect = 307, {"Location": config["redirect"]}
        else:
            status = config["status"] or 204
        record = {"path": self.path, "headers": headers, "body": body.decode("utf-8", "replace"),
                  "verified_by": verified_by, "errors": errors, "answered": status, "at": time.time()}
        with LOCK:
            if generation == STATE["generation"]:
                STATE["received"].append(record)
        self._reply(status, json.dumps({"answered": status}).encode(), headers=redirect)


def main(argv=None) -> None:
    global COUNT_ONLY
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret", action="append", default=[])
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--status", type=int)
    parser.add_argument("--count-only", action="store_true")
    args = parser.parse_args(argv)
    COUNT_ONLY = args.count_only
    STATE["config"].update({"secrets": args.secret, "fail_first": args.fail_first, "status": args.status})
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"listening on {args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
