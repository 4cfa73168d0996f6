-- Idempotency keys (the IETF httpapi Idempotency-Key draft): the first response to a POST
-- sent with a key, kept 24 hours per API key and replayed to a retry of the same request.
--
-- A request claims its key before it runs (`locked_until`: a retry meanwhile is answered 409).
-- The write it makes marks the key `carried_out` in the write's own transaction, so a write
-- and its mark commit together: a retry after a crash between the write and the saving of the
-- response knows the write happened (and which resource it created), and a second request
-- that took the key over after a lapsed claim cannot write a second time.
CREATE TABLE idempotency_keys (
    api_key_id uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    key text NOT NULL,
    -- SHA-256 of the method, target and body: the same key with another request is refused.
    request_hash bytea NOT NULL,
    locked_until timestamptz,
    carried_out boolean NOT NULL DEFAULT false,
    -- The resource the write created (its first `created` change), to answer a retry whose
    -- first response was lost.
    resource_type text,
    resource_id uuid,
    parent_id uuid,
    -- The first response, once it was sent.
    status smallint,
    headers jsonb,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, key)
);

CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
