-- Candidates of an offer's matches: published offers of one kind sharing a sector. With the
-- sectors index alone, PostgreSQL read every offer of the sector and dropped six in seven
-- for their kind.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX cooperation_offers_listed_kind_sectors_idx ON cooperation_offers
    USING gin (kind, sectors) WHERE status = 'published';
