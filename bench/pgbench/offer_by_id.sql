-- The ceiling: one primary-key read of an offer, the id built as in src/synthetic.sql.
\set n random(1, :offers)
SELECT * FROM cooperation_offers WHERE id = ('01900000-0008-7000-8000-' || lpad(to_hex(:n::bigint), 12, '0'))::uuid;
