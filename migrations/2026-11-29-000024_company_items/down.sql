DROP TRIGGER companies_item ON companies;
DROP FUNCTION companies_item;
ALTER TABLE companies DROP COLUMN item;
DROP FUNCTION coop_company_item;
