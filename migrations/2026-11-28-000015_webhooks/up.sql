-- Webhook subscriptions and their deliveries (the Standard Webhooks specification).
--
-- Each subscription reads the change log like a feed reader with its own cursor (`position`,
-- the last change considered): fanning out turns the changes it may see into deliveries, in
-- the same transaction that moves the cursor, so none is queued twice or skipped. Deliveries
-- of one subscription go out one after the other in position order; a replica takes a
-- subscription for a while (`delivering_until`) so that replicas share the subscriptions and
-- never send one subscription's deliveries at the same time.
CREATE TABLE webhooks (
    id uuid PRIMARY KEY,
    -- The company whose key made it: it receives what that company's key may read. Without
    -- a company (an admin's subscription), it receives everything.
    company_id uuid REFERENCES companies (id) ON DELETE CASCADE,
    url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    -- The resource types it wants; empty: all.
    types text[] NOT NULL DEFAULT '{}',
    description text CHECK (length(description) <= 500),
    active boolean NOT NULL DEFAULT true,
    -- Why the service turned it off (its deliveries kept failing).
    disabled_reason text,
    -- `whsec_` and the base64 of the key. Kept as is: signing needs the key itself.
    secret text NOT NULL,
    -- After a rotation the previous secret signs too, until `previous_secret_until`.
    previous_secret text,
    previous_secret_until timestamptz,
    position bigint NOT NULL,
    delivering_until timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX webhooks_company_idx ON webhooks (company_id, id);

CREATE TABLE webhook_deliveries (
    -- Sent as `webhook-id`: the same for every attempt, so receivers can drop repeats.
    id uuid PRIMARY KEY,
    webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- The change's position in the log.
    position bigint NOT NULL,
    event_type text NOT NULL,
    payload jsonb NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    first_attempt_at timestamptz,
    last_attempt_at timestamptz,
    last_status smallint,
    last_error text,
    last_latency_ms integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    UNIQUE (webhook_id, position)
);

-- The next deliveries of each subscription.
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (webhook_id, position)
    WHERE state = 'pending';

CREATE TABLE webhook_attempts (
    delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL,
    -- The receiver's status, or none when there was no answer (`error` says why).
    status smallint,
    latency_ms integer NOT NULL,
    error text,
    PRIMARY KEY (delivery_id, attempt)
);
