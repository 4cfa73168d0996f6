-- People who speak at events. Contact details are private: stored, never in public responses.
CREATE TABLE speakers (
    id          uuid PRIMARY KEY,
    full_name   text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    native_name text CHECK (length(native_name) BETWEEN 1 AND 200),
    position    text CHECK (length(position) BETWEEN 1 AND 300),
    -- A speaker's affiliation; a company with speakers cannot be deleted (409).
    company_id  uuid REFERENCES companies (id),
    country     text CHECK (country ~ '^[A-Z]{2}$'),
    bio         text CHECK (length(bio) <= 10000),
    links       text[] NOT NULL DEFAULT '{}',
    email       text CHECK (length(email) <= 254),
    phone       text CHECK (length(phone) <= 32),
    sort_name   text NOT NULL,
    search_text text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX speakers_sort_name_idx ON speakers (sort_name, id);
CREATE INDEX speakers_created_at_idx ON speakers (created_at, id);
CREATE INDEX speakers_company_idx ON speakers (company_id, sort_name, id);
CREATE INDEX speakers_country_idx ON speakers (country, sort_name, id);
CREATE INDEX speakers_search_text_idx ON speakers USING gin (search_text gin_trgm_ops);

CREATE TABLE events (
    id          uuid PRIMARY KEY,
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description text CHECK (length(description) <= 10000),
    kind        text NOT NULL CHECK (kind IN ('conference', 'teleconference', 'forum', 'b2b_meetings',
                    'exhibition', 'webinar', 'pitch_session', 'round_table', 'trade_mission', 'other')),
    format      text NOT NULL CHECK (format IN ('in_person', 'online', 'hybrid')),
    status      text NOT NULL CHECK (status IN ('draft', 'scheduled', 'cancelled', 'completed')),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    timezone    text NOT NULL,
    languages   text[] NOT NULL DEFAULT '{}',
    sectors     text[] NOT NULL DEFAULT '{}',
    search_text text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_starts_at_idx ON events (starts_at, id);
CREATE INDEX events_ends_at_idx ON events (ends_at);
CREATE INDEX events_kind_idx ON events (kind, starts_at);
CREATE INDEX events_status_idx ON events (status, starts_at);
CREATE INDEX events_sectors_idx ON events USING gin (sectors);
CREATE INDEX events_search_text_idx ON events USING gin (search_text gin_trgm_ops);

-- The parts of an event belong to it: deleting the event deletes them.
CREATE TABLE event_venues (
    id          uuid PRIMARY KEY,
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    address     text CHECK (length(address) <= 300),
    city        text NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    timezone    text NOT NULL,
    capacity    integer CHECK (capacity >= 0),
    attendance  integer CHECK (attendance >= 0),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    -- Lets sessions reference a venue of their own event only.
    UNIQUE (event_id, id)
);
CREATE INDEX event_venues_place_idx ON event_venues (country, city, event_id);

CREATE TABLE event_sessions (
    id          uuid PRIMARY KEY,
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    venue_id    uuid,
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description text CHECK (length(description) <= 10000),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (ends_at > starts_at),
    UNIQUE (event_id, id),
    -- A venue of the same event; a venue still used by sessions cannot be deleted. NO ACTION
    -- (checked at the end of the statement) lets deleting the event remove both.
    FOREIGN KEY (event_id, venue_id) REFERENCES event_venues (event_id, id)
);
CREATE INDEX event_sessions_event_idx ON event_sessions (event_id, starts_at, position);

CREATE TABLE event_speakers (
    id          uuid PRIMARY KEY,
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- A speaker who still appears at events cannot be deleted (409).
    speaker_id  uuid NOT NULL REFERENCES speakers (id),
    session_id  uuid,
    role        text NOT NULL CHECK (role IN ('speaker', 'moderator', 'panelist', 'host')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    FOREIGN KEY (event_id, session_id) REFERENCES event_sessions (event_id, id),
    UNIQUE NULLS NOT DISTINCT (event_id, speaker_id, role, session_id)
);
CREATE INDEX event_speakers_speaker_idx ON event_speakers (speaker_id, event_id);
CREATE INDEX event_speakers_event_idx ON event_speakers (event_id, created_at, id);

CREATE TABLE event_participants (
    id          uuid PRIMARY KEY,
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- A company taking part in events cannot be deleted (409).
    company_id  uuid NOT NULL REFERENCES companies (id),
    role        text NOT NULL CHECK (role IN ('organizer', 'co_organizer', 'partner', 'sponsor',
                    'exhibitor', 'presenter', 'attendee')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (event_id, company_id, role)
);
CREATE INDEX event_participants_company_idx ON event_participants (company_id, event_id);

-- What a company offers or looks for abroad.
CREATE TABLE cooperation_offers (
    id                uuid PRIMARY KEY,
    company_id        uuid NOT NULL REFERENCES companies (id),
    kind              text NOT NULL CHECK (kind IN ('business_offer', 'business_request',
                          'technology_offer', 'technology_request', 'investment_offer',
                          'investment_request', 'rd_partnership')),
    cooperation_types text[] NOT NULL CHECK (cardinality(cooperation_types) > 0),
    title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    summary           text CHECK (length(summary) <= 1000),
    description       text CHECK (length(description) <= 20000),
    sectors           text[] NOT NULL DEFAULT '{}',
    target_countries  text[] NOT NULL DEFAULT '{}',
    language          text CHECK (language ~ '^[a-z]{2}$'),
    status            text NOT NULL CHECK (status IN ('draft', 'published', 'closed')),
    published_at      timestamptz,
    valid_until       date,
    -- Where the offer was presented; an event with offers cannot be deleted (409).
    event_id          uuid REFERENCES events (id),
    search_text       text NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK (status = 'draft' OR published_at IS NOT NULL)
);
CREATE INDEX cooperation_offers_created_at_idx ON cooperation_offers (created_at, id);
CREATE INDEX cooperation_offers_status_idx ON cooperation_offers (status, valid_until);
CREATE INDEX cooperation_offers_company_idx ON cooperation_offers (company_id, created_at, id);
CREATE INDEX cooperation_offers_event_idx ON cooperation_offers (event_id);
CREATE INDEX cooperation_offers_sectors_idx ON cooperation_offers USING gin (sectors);
CREATE INDEX cooperation_offers_targets_idx ON cooperation_offers USING gin (target_countries);
CREATE INDEX cooperation_offers_types_idx ON cooperation_offers USING gin (cooperation_types);
CREATE INDEX cooperation_offers_search_text_idx ON cooperation_offers USING gin (search_text gin_trgm_ops);
