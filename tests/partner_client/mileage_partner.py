"""A client of Mileage's partner API, written from docs/API.md ("Partner API") alone.

Standard library only. Each request is signed with HMAC-SHA256 over
METHOD "\\n" PATH_AND_QUERY "\\n" TIMESTAMP "\\n" NONCE "\\n" BODY, keyed with the secret's
64 characters as text, and sent with the Mileage-Partner-Key, Mileage-Timestamp,
Mileage-Nonce and Mileage-Signature headers.
"""

import hashlib
import hmac
import http.client
import json
import secrets
import time
import urllib.parse


def canonical_string(method, path_and_query, timestamp, nonce, body):
    """The bytes a partner signs (body is bytes; the rest text)."""
    return b"\n".join([method.encode("ascii"), path_and_query.encode("ascii"),
                       timestamp.encode("ascii"), nonce.encode("ascii"), body])


def signature(secret, method, path_and_query, timestamp, nonce, body):
    """64 lowercase hex digits: HMAC-SHA256 keyed with the secret as text."""
    message = canonical_string(method, path_and_query, timestamp, nonce, body)
    return hmac.new(secret.encode("ascii"), message, hashlib.sha256).hexdigest()


def new_nonce():
    """128 random bits as 32 hex digits (16-64 of [A-Za-z0-9_-])."""
    return secrets.token_hex(16)


class Response:
    def __init__(self, status, body):
        self.status = status
        self.text = body.decode("utf-8", "replace")
        try:
            self.json = json.loads(self.text) if self.text else None
        except ValueError:
            self.json = None

    @property
    def code(self):
        return self.json.get("code") if isinstance(self.json, dict) else None

    def __repr__(self):
        return f"{self.status} {self.text}"


class PartnerClient:
    """Signs and sends requests for one partner key."""

    def __init__(self, base_url, key_id, secret, timeout=30):
        parsed = urllib.parse.urlsplit(base_url)
        self.host = parsed.hostname
        self.port = parsed.port or 80
        self.key_id = key_id
        self.secret = secret
        self.timeout = timeout

    def headers(self, method, path_and_query, body=b"", timestamp=None, nonce=None):
        """The four Mileage-* headers of a request signed now (or at `timestamp`)."""
        timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
        nonce = new_nonce() if nonce is None else nonce
        return {
            "Mileage-Partner-Key": self.key_id,
            "Mileage-Timestamp": timestamp,
            "Mileage-Nonce": nonce,
            "Mileage-Signature": signature(self.secret, method, path_and_query, timestamp,
                                           nonce, body),
        }

    def send(self, method, path_and_query, body=b"", headers=None):
        """Sends the request as given (headers already made): the request line carries
        path_and_query byte for byte."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            sent = dict(headers or {})
            if body:
                sent["Content-Type"] = "application/json"
            conn.request(method, path_and_query, body=body if body else None, headers=sent)
            res = conn.getresponse()
            return Response(res.status, res.read())
        finally:
            conn.close()

    def request(self, method, path_and_query, body=b""):
        """A signed request, sent."""
        return self.send(method, path_and_query, body,
                         self.headers(method, path_and_query, body))

    def me(self):
        return self.request("GET", "/api/partner/v1/me")
