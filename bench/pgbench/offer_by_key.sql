-- The honest ceiling: the cheapest read of what GET /cooperation-offers/{id} serves, by a key
-- passed as a parameter (pgbench -M prepared binds :n), the API's columns only.
\set n random(1, :offers)
SELECT * FROM bench_offer_copy WHERE n = :n;
