-- What the change feed and the webhook outbox have still to do, for /metrics. Changes get
-- their position (their place in the feed) shortly after their transaction commits; each
-- active subscription's `position` is the last change turned into its deliveries.
SELECT
    (SELECT count(*) FROM changes WHERE position IS NULL) AS unpositioned_changes,
    (SELECT coalesce(extract(epoch FROM clock_timestamp() - min(changed_at)), 0)::float8
       FROM changes WHERE position IS NULL) AS unpositioned_age_seconds,
    (SELECT coalesce(max(position), 0) FROM changes) AS latest_position,
    (SELECT coalesce(sum(greatest(l.latest - w.position, 0)), 0)::bigint
       FROM webhooks AS w,
            (SELECT coalesce(max(position), 0) AS latest FROM changes) AS l
      WHERE w.active) AS changes_not_fanned_out,
    (SELECT count(*) FROM webhook_deliveries WHERE state = 'pending') AS pending_deliveries,
    (SELECT coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8
       FROM webhook_deliveries WHERE state = 'pending') AS oldest_pending_delivery_seconds
