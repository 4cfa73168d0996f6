-- API keys. The secret is never stored: only the SHA-256 of the whole key. The key's public
-- prefix (part of the key itself) finds the row, so authentication is one indexed lookup.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    prefix       text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9a-f]{12}$'),
    secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role         text NOT NULL CHECK (role IN ('company', 'editor', 'admin')),
    -- A company key acts for this company only; editor and admin keys for none in particular.
    -- Deleting the company deletes its keys: a credential must not outlive what it stands for.
    company_id   uuid REFERENCES companies (id) ON DELETE CASCADE,
    expires_at   timestamptz,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CHECK ((role = 'company') = (company_id IS NOT NULL))
);

CREATE INDEX api_keys_created_at_idx ON api_keys (created_at, id);
CREATE INDEX api_keys_company_id_idx ON api_keys (company_id);
