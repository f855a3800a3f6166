#!/usr/bin/env python3
"""The partner API end to end: mileage_partner.py (written from docs/API.md alone) against a
real `mileage serve` on a free loopback port with SQLite in a temporary directory. The
organisation is made with `mileage admin` (a brand and a brand_admin), the partners and their
secrets with the console API as that brand admin.

Usage: test_partner_api.py MILEAGE_BINARY   (or MILEAGE_BIN in the environment)
"""

import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mileage_partner  # noqa: E402

BIN = None
SERVER = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mileage:
    """`mileage serve` with a brand and a brand admin, for the length of the tests."""

    PASSWORD = "partner-test-password-42"

    def __init__(self, binary):
        self.bin = binary
        self.tmp = tempfile.TemporaryDirectory(prefix="mileage-partner-client-")
        self.dir = self.tmp.name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = os.path.join(self.dir, "serve.json")
        with open(self.config, "w") as f:
            json.dump({"listen": f"127.0.0.1:{self.port}", "drain_s": 0,
                       "database": "sqlite:" + os.path.join(self.dir, "mileage.db"),
                       "jobs_interval_s": 0}, f)
        self.process = None
        self.log_path = os.path.join(self.dir, "serve.log")

    def admin(self, *args):
        out = subprocess.run([self.bin, "admin", *args, "--config", self.config], check=True,
                             capture_output=True, text=True).stdout.strip()
        if not out.isdigit():
            raise RuntimeError(f"mileage admin {args[0]} printed {out!r}, not an id")
        return int(out)

    def start(self):
        self.brand = self.admin("create-brand", "--name", "Partner Motors")
        password_file = os.path.join(self.dir, "password")
        with open(os.open(password_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(self.PASSWORD + "\n")
        self.admin("create-user", "--username", "ops", "--role", "brand_admin",
                   "--scope-type", "brand", "--scope-id", str(self.brand),
                   "--password-file", password_file)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.bin, "serve", "--config", self.config],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"mileage serve exited ({self.process.returncode}):\n"
                                   + self.tail())
            try:
                if self.call("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("mileage serve did not answer /healthz in 60 s:\n"
                                   + self.tail())
            time.sleep(0.1)
        status, body = self.call("POST", "/api/console/login",
                                 {"username": "ops", "password": self.PASSWORD})
        if status != 200:
            raise RuntimeError(f"console login: {status} {body}")
        self.token = body["token"]

    def tail(self):
        with open(self.log_path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-30:]).decode("utf-8", "replace")

    def stop(self):
        """SIGTERM, then the exit status (0 unless the server or a sanitizer failed)."""
        code = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                code = self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait()
        elif self.process is not None:
            code = self.process.returncode
        if self.process is not None:
            self.log.close()
        return code

    def call(self, method, path, body=None, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            if token:
                headers["Authorization"] = "Bearer " + token
            conn.request(method, path, body=data, headers=headers)
            res = conn.getresponse()
            text = res.read().decode()
            return res.status, (json.loads(text) if text else None)
        finally:
            conn.close()

    def console(self, method, path, body=None):
        return self.call(method, path, body if body is not None else
                         ({} if method == "POST" else None), self.token)

    def new_partner(self, name, category="fuel"):
        """(partner id, a client with its key and secret, the secret's id)."""
        status, body = self.console("POST", "/api/console/partners",
                                    {"name": name, "category": category})
        if status != 201:
            raise RuntimeError(f"create partner: {status} {body}")
        client = mileage_partner.PartnerClient(self.base, body["partner"]["api_key_id"],
                                               body["secret"])
        return body["partner"]["id"], client, body["secret_id"]


class PartnerApiTest(unittest.TestCase):
    def assertRefused(self, res, code):
        self.assertEqual(res.status, 401, res)
        self.assertEqual(res.code, code, res)

    def test_valid_request_gets_the_partner(self):
        pid, client, _ = SERVER.new_partner("Station 1", "fuel")
        res = client.me()
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["id"], pid)
        self.assertEqual(res.json["name"], "Station 1")
        self.assertEqual(res.json["category"], "fuel")
        self.assertEqual(res.json["brand_id"], SERVER.brand)
        self.assertNotIn(client.secret, res.text)

    def test_signed_body_as_the_server_received_it(self):
        _, client, _ = SERVER.new_partner("Station 2")
        body = '{"request_id":"r-1","amount_fen":35000,"note":"加油"}'.encode()
        res = client.request("POST", "/api/partner/v1/signature-check?channel=pos", body)
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["body_bytes"], len(body))
        self.assertEqual(res.json["body_sha256"], hashlib.sha256(body).hexdigest())

    def test_replayed_nonce(self):
        _, client, _ = SERVER.new_partner("Station 3")
        path = "/api/partner/v1/me"
        headers = client.headers("GET", path)
        self.assertEqual(client.send("GET", path, b"", headers).status, 200)
        self.assertRefused(client.send("GET", path, b"", headers), "NONCE_REUSED")

    def test_stale_and_future_timestamps(self):
        _, client, _ = SERVER.new_partner("Station 4")
        path = "/api/partner/v1/me"
        now = int(time.time())
        for timestamp in (now - 400, now + 400, 0):
            headers = client.headers("GET", path, timestamp=timestamp)
            self.assertRefused(client.send("GET", path, b"", headers), "TIMESTAMP_SKEW")

    def test_tampered_body_path_and_query(self):
        _, client, _ = SERVER.new_partner("Station 5")
        target = "/api/partner/v1/signature-check?channel=pos&lane=2"
        body = b'{"amount_fen":100}'
        headers = client.headers("POST", target, body)
        self.assertRefused(client.send("POST", target, b'{"amount_fen":900}', headers),
                           "SIGNATURE_INVALID")
        self.assertRefused(client.send("POST", "/api/partner/v1/signature-check?channel=pos&lane=3",
                                       body, headers), "SIGNATURE_INVALID")
        me_signed_for_other_path = client.headers("GET", "/api/partner/v1/reports")
        self.assertRefused(client.send("GET", "/api/partner/v1/me", b"",
                                       me_signed_for_other_path), "SIGNATURE_INVALID")
        # The untouched request still passes: the refusals spent no nonce.
        self.assertEqual(client.send("POST", target, body, headers).status, 200)

    def test_unknown_key_and_wrong_secret(self):
        _, client, _ = SERVER.new_partner("Station 6")
        unknown = mileage_partner.PartnerClient(SERVER.base, "pk_00000000000000ff", client.secret)
        self.assertRefused(unknown.me(), "UNKNOWN_KEY")
        wrong = mileage_partner.PartnerClient(SERVER.base, client.key_id, "0" * 64)
        self.assertRefused(wrong.me(), "SIGNATURE_INVALID")

    def test_missing_header(self):
        _, client, _ = SERVER.new_partner("Station 7")
        headers = client.headers("GET", "/api/partner/v1/me")
        del headers["Mileage-Nonce"]
        self.assertRefused(client.send("GET", "/api/partner/v1/me", b"", headers),
                           "MISSING_SIGNATURE_HEADER")

    def test_deactivated_partner(self):
        pid, client, _ = SERVER.new_partner("Car park 1", "parking")
        status, _ = SERVER.console("POST", f"/api/console/partners/{pid}/deactivate")
        self.assertEqual(status, 200)
        self.assertRefused(client.me(), "PARTNER_INACTIVE")
        status, _ = SERVER.console("POST", f"/api/console/partners/{pid}/reactivate")
        self.assertEqual(status, 200)
        self.assertEqual(client.me().status, 200)

    def test_rotation_overlap_then_the_retired_secret(self):
        pid, old, old_secret_id = SERVER.new_partner("Car wash 1", "carwash")
        status, body = SERVER.console("POST", f"/api/console/partners/{pid}/secrets")
        self.assertEqual(status, 201, body)
        new = mileage_partner.PartnerClient(SERVER.base, old.key_id, body["secret"])
        # The overlap: both secrets sign.
        self.assertEqual(old.me().status, 200)
        self.assertEqual(new.me().status, 200)
        status, body = SERVER.console("POST", f"/api/console/partners/{pid}/secrets")
        self.assertEqual((status, body["code"]), (409, "TOO_MANY_PARTNER_SECRETS"))
        status, body = SERVER.console(
            "POST", f"/api/console/partners/{pid}/secrets/{old_secret_id}/retire")
        self.assertEqual(status, 200, body)
        self.assertRefused(old.me(), "SIGNATURE_INVALID")
        self.assertEqual(new.me().status, 200)
        status, body = SERVER.console("GET", f"/api/console/partners/{pid}")
        self.assertEqual(status, 200)
        self.assertEqual([s["retired_at"] is None for s in body["secrets"]], [False, True])
        self.assertNotIn(new.secret, json.dumps(body))


def main():
    global BIN, SERVER
    args = sys.argv[1:]
    BIN = args.pop(0) if args else os.environ.get("MILEAGE_BIN")
    if not BIN:
        sys.exit("usage: test_partner_api.py MILEAGE_BINARY (or MILEAGE_BIN)")
    SERVER = Mileage(os.path.abspath(BIN))
    ok = False
    exit_code = None
    try:
        SERVER.start()
        result = unittest.main(argv=[sys.argv[0], "-v", *args], exit=False).result
        ok = result.wasSuccessful()
    finally:
        exit_code = SERVER.stop()
        if not ok or exit_code not in (0, None):
            print("--- mileage serve log (tail)\n" + SERVER.tail(), file=sys.stderr)
        SERVER.tmp.cleanup()
    if exit_code not in (0, None):
        print(f"mileage serve exited with {exit_code}", file=sys.stderr)
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
