/**
 * The SQL of a PostgresStore, built once per schema. Batches travel as
 * arrays through `unnest`, so one statement (one round trip) carries any
 * number of rows and the statement text never changes.
 *
 * @module
 */
import { ENTRY_COLUMNS, ENTRY_NAMES } from "./window-entry";

/** `now()` in epoch ms, from the database's clock: leases compare against one clock. */
const NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

export const DELIVERY_COLUMNS =
  "id, endpoint_id, event, body, status, attempts, created_at, next_attempt_at, settled_at, dead_reason, content_type, headers::text";

export interface StoreQueries {
  readonly channel: string;
  readonly commit: string;
  readonly refill: string;
  readonly takeOver: string;
  readonly claim: string;
  readonly release: string;
  readonly redeliver: string;
  readonly get: string;
  readonly list: string;
  readonly attemptsOf: string;
  readonly killWaiting: string;
  readonly prune: string;
  readonly saveEndpoint: string;
  readonly removeEndpoint: string;
  readonly saveEndpointState: string;
  readonly retireEndpoint: string;
  readonly pendingOf: string;
  readonly loadEndpoints: string;
}

export function storeQueries(schema: string): StoreQueries {
  const s = `"${schema}"`;
  const d = `${s}.deliveries`;
  return {
    channel: `attesta_${schema}`,
    // $1-$11 new rows (their state as of now; $4 every body end to end, cut by
    // the offsets $29 and lengths $30: one value instead of one per row),
    // $12-$18 state of older rows, $19-$26 attempts, $27 channel, $28 payloads,
    // $31-$32 a custom format's content type and headers (JSON text) of new rows,
    // $33 whether this process ($34) holds each new row in its window. It is
    // written as the holder only while it owns the endpoint, checked under a
    // share lock: a process taking the endpoint over waits for this commit, then
    // frees the rows held by anyone else (takeOver), so no row stays held by a
    // process that no longer delivers its endpoint.
    commit: `WITH mine AS (
  SELECT endpoint_id FROM ${s}.endpoint_owners WHERE owner = $34 AND endpoint_id = ANY($2::text[])
  FOR SHARE
), ins AS (
  INSERT INTO ${d} AS d (id, endpoint_id, event, body, status, attempts, series_start,
    created_at, next_attempt_at, settled_at, dead_reason, content_type, headers, holder)
  SELECT u.id, u.endpoint_id, u.event, substring($4::bytea FROM u.start + 1 FOR u.len), u.status,
    u.attempts, u.series_start, u.created_at, u.next_attempt_at, u.settled_at, u.dead_reason,
    u.content_type, u.headers::jsonb,
    CASE WHEN u.held AND u.endpoint_id IN (SELECT endpoint_id FROM mine) THEN $34 END
  FROM unnest($1::uuid[], $2::text[], $3::text[], $29::int[], $30::int[], $5::text[], $6::int[],
    $7::int[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[], $31::text[], $32::text[],
    $33::bool[])
    AS u(id, endpoint_id, event, start, len, status, attempts, series_start, created_at,
      next_attempt_at, settled_at, dead_reason, content_type, headers, held)
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts,
    series_start = EXCLUDED.series_start, next_attempt_at = EXCLUDED.next_attempt_at,
    settled_at = EXCLUDED.settled_at, dead_reason = EXCLUDED.dead_reason
  WHERE d.attempts < EXCLUDED.attempts OR (d.attempts = EXCLUDED.attempts AND d.status = 'pending')
), upd AS (
  UPDATE ${d} AS d SET status = u.status, attempts = u.attempts, series_start = u.series_start,
    next_attempt_at = u.next_attempt_at, settled_at = u.settled_at, dead_reason = u.dead_reason
  FROM unnest($12::uuid[], $13::text[], $14::int[], $15::int[], $16::bigint[], $17::bigint[],
    $18::text[]) AS u(id, status, attempts, series_start, next_attempt_at, settled_at, dead_reason)
  WHERE d.id = u.id
), att AS (
  INSERT INTO ${s}.attempts (delivery_id, attempt, started_at, duration_ms, status, error_kind,
    error_message, response_body)
  SELECT * FROM unnest($19::uuid[], $20::int[], $21::bigint[], $22::int[], $23::int[],
    $24::text[], $25::text[], $26::text[])
  ON CONFLICT DO NOTHING
)
SELECT pg_notify($27, n) FROM unnest($28::text[]) AS n`,
    // The owner ($2) of the endpoint ($1) takes up to $3 pending rows no process holds, oldest
    // first, and holds them: no list of what it holds travels, and two refills never take one row.
    refill: `WITH mine AS (
  SELECT 1 FROM ${s}.endpoint_owners WHERE endpoint_id = $1 AND owner = $2 FOR SHARE
), c AS (
  SELECT id FROM ${d} WHERE endpoint_id = $1 AND status = 'pending' AND holder IS NULL
    AND EXISTS (SELECT 1 FROM mine)
  ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED
), u AS (
  UPDATE ${d} SET holder = $2 WHERE id IN (SELECT id FROM c) RETURNING seq, ${ENTRY_COLUMNS}
)
SELECT ${ENTRY_NAMES} FROM u ORDER BY seq`,
    // A process that just became the endpoint's owner ($2) frees the rows held by anyone (a
    // killed owner, or itself before it lost the lease), but those it is sending or settled ($3).
    takeOver: `UPDATE ${d} SET holder = NULL
WHERE endpoint_id = $1 AND status = 'pending' AND holder IS NOT NULL AND NOT (id = ANY($3::uuid[]))
  AND EXISTS (SELECT 1 FROM ${s}.endpoint_owners WHERE endpoint_id = $1 AND owner = $2)`,
    // Takes or renews the endpoints: a lease held by another process is taken
    // only once it expired (a killed process's endpoints pass to the others).
    claim: `INSERT INTO ${s}.endpoint_owners AS o (endpoint_id, owner, lease_until)
SELECT e, $1, ${NOW_MS} + $2 FROM unnest($3::text[]) AS e
ON CONFLICT (endpoint_id) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
WHERE o.owner = EXCLUDED.owner OR o.lease_until < ${NOW_MS}
RETURNING endpoint_id`,
    // Gives up this process's leases ($1): those of the endpoints $3 names (it cannot deliver
    // them now), or all of them when $3 is NULL (close); the others take them at once.
    release: `WITH r AS (
  DELETE FROM ${s}.endpoint_owners
  WHERE owner = $1 AND ($3::text[] IS NULL OR endpoint_id = ANY($3::text[]))
  RETURNING endpoint_id
)
SELECT pg_notify($2, 'r:' || endpoint_id) FROM r`,
    // Held by $4 when it owns the endpoint and names it in $5 (its window has room), else by no one.
    redeliver: `WITH u AS (
  UPDATE ${d} AS d SET status = 'pending', series_start = attempts, next_attempt_at = $2,
    settled_at = NULL, dead_reason = NULL,
    holder = CASE WHEN d.endpoint_id = ANY($5::text[]) AND EXISTS (
      SELECT 1 FROM ${s}.endpoint_owners o WHERE o.endpoint_id = d.endpoint_id AND o.owner = $4
      FOR SHARE) THEN $4 END
  WHERE id = $1 AND status <> 'pending'
    AND coalesce(dead_reason, '') NOT IN ('unserializable', 'format_failed')
  RETURNING ${ENTRY_COLUMNS}, endpoint_id, holder
)
SELECT u.*, pg_notify($3, 'i:' || u.endpoint_id) FROM u`,
    get: `SELECT ${DELIVERY_COLUMNS} FROM ${d} WHERE id = $1`,
    list: `SELECT ${DELIVERY_COLUMNS} FROM ${d}
WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR endpoint_id = $2)
  AND ($3::text IS NULL OR upper(event) = upper($3)) AND ($4::bigint IS NULL OR created_at >= $4)
ORDER BY created_at, seq LIMIT $5`,
    attemptsOf: `SELECT delivery_id, attempt, started_at, duration_ms, status, error_kind,
  error_message, response_body FROM ${s}.attempts WHERE delivery_id = ANY($1::uuid[])
ORDER BY delivery_id, attempt`,
    // Every pending row of the endpoint but those leased here ($2), or only those created
    // before $5: abandon and expiry act on the whole table, not only on a process's window.
    killWaiting: `UPDATE ${d} SET status = 'dead', dead_reason = $3, settled_at = $4
WHERE endpoint_id = $1 AND status = 'pending' AND NOT (id = ANY($2::uuid[]))
  AND ($5::bigint IS NULL OR created_at < $5)
RETURNING ${ENTRY_COLUMNS}`,
    // Settled rows past their retention ($1 delivered, $2 dead, epoch ms), at most $3 of
    // each, with their attempts; rows another process is pruning are skipped, not waited for.
    prune: `WITH delivered AS (
  SELECT id FROM ${d} WHERE status = 'delivered' AND settled_at < $1 LIMIT $3
  FOR UPDATE SKIP LOCKED
), dead AS (
  SELECT id FROM ${d} WHERE status = 'dead' AND settled_at < $2 LIMIT $3 FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM ${d} WHERE id IN (SELECT id FROM delivered UNION ALL SELECT id FROM dead)
  RETURNING id
), att AS (DELETE FROM ${s}.attempts WHERE delivery_id IN (SELECT id FROM gone))
SELECT count(*)::int FROM gone`,
    saveEndpoint: `WITH w AS (
  INSERT INTO ${s}.endpoints (id, config, signed, disabled_reason, disabled_since, updated_at,
    disabled_code)
  VALUES ($1, $2, $3, $4, $5, $6, $8)
  -- A config change keeps the disabled state: saving a config does not enable an endpoint.
  ON CONFLICT (id) DO UPDATE SET config = EXCLUDED.config, signed = EXCLUDED.signed,
    updated_at = EXCLUDED.updated_at
)
SELECT pg_notify($7, 'e:' || $1)`,
    removeEndpoint: `WITH w AS (DELETE FROM ${s}.endpoints WHERE id = $1)
SELECT pg_notify($2, 'e:' || $1)`,
    saveEndpointState: `WITH w AS (
  UPDATE ${s}.endpoints SET disabled_reason = $2, disabled_since = $3, updated_at = $4,
    disabled_code = $6 WHERE id = $1
)
SELECT pg_notify($5, 'e:' || $1)`,
    retireEndpoint: `WITH w AS (UPDATE ${s}.endpoints SET retiring = true, updated_at = $2 WHERE id = $1)
SELECT pg_notify($3, 'e:' || $1)`,
    pendingOf: `SELECT count(*)::int FROM ${d} WHERE endpoint_id = $1 AND status = 'pending'`,
    loadEndpoints: `SELECT id, config, signed, disabled_reason, disabled_since, disabled_code, retiring
FROM ${s}.endpoints
ORDER BY position`,
  };
}
