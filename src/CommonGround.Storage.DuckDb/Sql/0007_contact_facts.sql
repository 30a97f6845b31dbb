-- What a real-time decision reads of a customer, by point lookups: the time zone joins the profile's
-- derived row, every derived row says when it was last written (so a server's cache of these facts
-- can drop exactly what changed), and the per-profile relations get indexes on the profile.
ALTER TABLE profile_traits ADD COLUMN time_zone VARCHAR;
ALTER TABLE profile_traits ADD COLUMN refreshed_at TIMESTAMP;
CREATE INDEX profile_traits_profile ON profile_traits (profile_id);
CREATE INDEX profile_consents_profile ON profile_consents (profile_id);
CREATE INDEX profile_survivors_profile ON profile_survivors (profile_id);

-- People whose events or customer records name a time zone are recomputed once to learn it.
INSERT INTO profile_refresh
SELECT DISTINCT coalesce(s.survivor_id, e.profile_id) FROM events e LEFT JOIN profile_survivors s ON s.profile_id = e.profile_id
WHERE e.profile_id IS NOT NULL AND contains(e.context, '"timezone"')
UNION
SELECT DISTINCT coalesce(s.survivor_id, i.profile_id) FROM customers c
JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id
LEFT JOIN profile_survivors s ON s.profile_id = i.profile_id
WHERE i.profile_id IS NOT NULL AND (contains(c.traits, 'timezone') OR contains(c.traits, 'time_zone') OR contains(c.traits, 'timeZone'));
