"""schemathesis hooks for scripts/contract-test.

Every generated POST that carries a well-formed `Idempotency-Key` gets a fresh one, as a real
client sends a new key with each new request: otherwise the spec's example key would be sent
with every body, and each reuse is rightly refused (422). Malformed keys are left as generated
(the server must answer 400). Replays and reuse are covered by tests/api/idempotency.rs.
"""
import re
import uuid

import schemathesis

WELL_FORMED = re.compile(r'^("[!#-\[\]-~]{1,255}"|[!#-\[\]-~]{1,255})$')


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Negative cases are left alone: they must be refused whatever their key, and changing
    # their headers makes schemathesis revalidate them as positive and send the headers a
    # case left out on purpose (such as `Authorization`).
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and WELL_FORMED.match(key):
        case.headers["Idempotency-Key"] = str(uuid.uuid4())

