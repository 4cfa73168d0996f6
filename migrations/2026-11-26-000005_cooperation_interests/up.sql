-- Expressions of interest: a company answers another company's offer. Contact details of
-- each side are stored here and shown to the other side only once the owner accepts.
CREATE TABLE cooperation_interests (
    id                  uuid PRIMARY KEY,
    -- Offers and companies with interests cannot be deleted (409): close the offer instead.
    offer_id            uuid NOT NULL REFERENCES cooperation_offers (id),
    company_id          uuid NOT NULL REFERENCES companies (id),
    message             text NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
    contact_name        text NOT NULL CHECK (length(contact_name) BETWEEN 1 AND 200),
    contact_email       text CHECK (length(contact_email) <= 254),
    contact_phone       text CHECK (length(contact_phone) <= 33),
    status              text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
    reply               text CHECK (length(reply) <= 5000),
    owner_contact_name  text CHECK (length(owner_contact_name) BETWEEN 1 AND 200),
    owner_contact_email text CHECK (length(owner_contact_email) <= 254),
    owner_contact_phone text CHECK (length(owner_contact_phone) <= 33),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    decided_at          timestamptz,
    -- The owner's contact comes with the acceptance, and only with it.
    CHECK ((status = 'accepted') = (owner_contact_name IS NOT NULL))
);

-- One pending interest per company and offer; a declined or withdrawn one may be renewed.
CREATE UNIQUE INDEX cooperation_interests_one_pending
    ON cooperation_interests (offer_id, company_id) WHERE status = 'pending';
CREATE INDEX cooperation_interests_offer_idx ON cooperation_interests (offer_id, created_at, id);
CREATE INDEX cooperation_interests_company_idx ON cooperation_interests (company_id, created_at, id);
