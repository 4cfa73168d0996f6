-- Takes, until $lease_until, up to $limit active subscriptions whose next delivery is due and
-- that no replica holds. Only the next delivery (the lowest pending position) counts: the
-- deliveries after it wait for it, so that each subscription receives its changes in order.
UPDATE webhooks
SET delivering_until = $lease_until
WHERE id IN (
    SELECT w.id
    FROM webhooks AS w
    WHERE w.active
      AND (w.delivering_until IS NULL OR w.delivering_until < now())
      AND (
          SELECT d.next_attempt_at
          FROM webhook_deliveries AS d
          WHERE d.webhook_id = w.id AND d.state = 'pending'
          ORDER BY d.position
          LIMIT 1
      ) <= now()
    ORDER BY w.delivering_until NULLS FIRST
    LIMIT $limit
    FOR UPDATE SKIP LOCKED
)
RETURNING webhooks.*
