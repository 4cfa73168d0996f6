-- Each company carries its JSON as the API serves it, so that a page of companies is passed
-- through by the service instead of each row being decoded and serialised again for every
-- page. Written by a trigger before every insert and update, in the writing transaction.

-- A company as its representation in the API: the fields in the order, and with the formats,
-- that the service's serialiser writes (texts escaped as JSON, times by `coop_json_time`). A
-- test compares each item with the company read by id, byte for byte.
CREATE FUNCTION coop_company_item(c companies) RETURNS text
LANGUAGE sql STABLE
RETURN '{"id":"' || c.id
    || '","name":' || to_json(c.name)
    || ',"native_name":' || coalesce(to_json(c.native_name)::text, 'null')
    || ',"kind":' || to_json(c.kind)
    || ',"country":' || to_json(c.country)
    || ',"city":' || coalesce(to_json(c.city)::text, 'null')
    || ',"website":' || coalesce(to_json(c.website)::text, 'null')
    || ',"description":' || coalesce(to_json(c.description)::text, 'null')
    || ',"sectors":' || to_json(c.sectors)
    || ',"external_id":' || coalesce(to_json(c.external_id)::text, 'null')
    || ',"created_at":' || coop_json_time(c.created_at)
    || ',"updated_at":' || coop_json_time(c.updated_at)
    || '}';

ALTER TABLE companies ADD COLUMN item text;
-- Filling the new column changes no company: the change log records nothing of it.
ALTER TABLE companies DISABLE TRIGGER companies_change;
UPDATE companies AS c SET item = coop_company_item(c);
ALTER TABLE companies ENABLE TRIGGER companies_change;
ALTER TABLE companies ALTER COLUMN item SET NOT NULL;

CREATE FUNCTION companies_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.item := coop_company_item(NEW);
    RETURN NEW;
END $$;

CREATE TRIGGER companies_item BEFORE INSERT OR UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION companies_item();
