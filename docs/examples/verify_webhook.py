"""Verifying a coopapi webhook delivery (Standard Webhooks) with Python's standard library.

    verify(secret, headers, body)  # headers: the request's, with lower-case names;
                                   # body: the raw bytes, before any JSON parsing

Run as a script (`verify_webhook.py SECRET HEADERS.json BODY`), it exits 0 when the delivery
verifies and 1 when it does not; the service's tests run it on real deliveries.
"""
import base64, hashlib, hmac, time


def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:  # an old delivery replayed
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, s) for s in headers["webhook-signature"].split())


if __name__ == "__main__":
    import json, sys

    secret, headers_file, body_file = sys.argv[1:4]
    with open(headers_file) as h, open(body_file, "rb") as b:
        sys.exit(0 if verify(secret, json.load(h), b.read()) else 1)
