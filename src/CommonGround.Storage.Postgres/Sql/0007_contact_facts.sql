-- What a real-time decision reads of a customer, by point lookups (the keys exist already): the time
-- zone joins the profile's derived row, and every derived row says when it was last written (so a
-- server's cache of these facts can drop exactly what changed).
ALTER TABLE profile_traits ADD COLUMN time_zone text;
ALTER TABLE profile_traits ADD COLUMN refreshed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX profile_traits_refreshed ON profile_traits (refreshed_at);

-- People whose events or customer records name a time zone are recomputed once to learn it.
INSERT INTO profile_refresh (profile_id)
SELECT DISTINCT coalesce(s.survivor_id, e.profile_id) FROM events e LEFT JOIN profile_survivors s ON s.profile_id = e.profile_id
WHERE e.profile_id IS NOT NULL AND e.context::text LIKE '%"timezone"%'
UNION
SELECT DISTINCT coalesce(s.survivor_id, i.profile_id) FROM customers c
JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id
LEFT JOIN profile_survivors s ON s.profile_id = i.profile_id
WHERE i.profile_id IS NOT NULL AND c.traits::text ~ '(timezone|time_zone|timeZone)';
