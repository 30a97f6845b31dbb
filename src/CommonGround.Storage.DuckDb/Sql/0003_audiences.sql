-- Audiences: saved rules, membership snapshots, and the relations rules are evaluated on. The derived
-- tables have no keys here: DuckDB keeps no index it need not, and the store rewrites their rows
-- (delete, then insert) under one lock.

CREATE TABLE audiences (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL UNIQUE,
    team        VARCHAR,
    description VARCHAR,
    rule        VARCHAR NOT NULL,      -- the JSON form (AudienceJson)
    text        VARCHAR NOT NULL,      -- the canonical text
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_by  VARCHAR NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE SEQUENCE audience_snapshot_ids;

CREATE TABLE audience_snapshots (
    snapshot_id     BIGINT PRIMARY KEY,
    audience_id     VARCHAR NOT NULL,
    taken_at        TIMESTAMP NOT NULL,
    as_of           TIMESTAMP NOT NULL,
    member_count    BIGINT NOT NULL,
    household_count BIGINT NOT NULL
);

-- Members as they were: the profile id and household of the time (merges since are followed on read).
CREATE TABLE audience_members (
    snapshot_id  BIGINT NOT NULL,
    profile_id   BIGINT NOT NULL,
    household_id VARCHAR
);

-- The profile identity resolution put each event in, when it saved that step: events reach their
-- person by an integer. A profile absorbed since is followed through profile_survivors.
ALTER TABLE events ADD COLUMN profile_id BIGINT;
UPDATE events SET profile_id = n.profile_id
FROM (SELECT e.source_id, e.message_id, coalesce(u.profile_id, a.profile_id) AS profile_id
      FROM events e
      LEFT JOIN profile_identifiers u ON u.type = 'userId' AND u.value = e.user_id
      LEFT JOIN profile_identifiers a ON a.type = 'anonymousId' AND a.value = e.anonymous_id
      WHERE u.profile_id IS NOT NULL OR a.profile_id IS NOT NULL) n
WHERE events.source_id = n.source_id AND events.message_id = n.message_id;

-- Every absorbed profile and the surviving profile it is now part of (flat: never a chain).
CREATE TABLE profile_survivors (
    profile_id  BIGINT NOT NULL,
    survivor_id BIGINT NOT NULL
);
INSERT INTO profile_survivors
WITH RECURSIVE chain(profile_id, survivor_id) AS (
    SELECT profile_id, merged_into FROM profiles WHERE merged_into IS NOT NULL
    UNION ALL
    SELECT c.profile_id, p.merged_into FROM chain c JOIN profiles p ON p.profile_id = c.survivor_id WHERE p.merged_into IS NOT NULL
)
SELECT c.profile_id, c.survivor_id FROM chain c JOIN profiles p ON p.profile_id = c.survivor_id WHERE p.merged_into IS NULL;

-- One row per surviving profile: the computed traits of ProfileFacts as columns, the household (that
-- of the newest customer record), and the custom traits of customer records and identify calls.
CREATE TABLE profile_traits (
    profile_id   BIGINT NOT NULL,
    household_id VARCHAR,
    display_name VARCHAR,
    email        VARCHAR,
    first_seen   TIMESTAMP,
    last_seen    TIMESTAMP,
    event_count  BIGINT NOT NULL,
    order_count  INTEGER NOT NULL,
    revenue      DECIMAL(18, 4) NOT NULL,
    currency     VARCHAR,
    channels     VARCHAR,               -- ",email,web,": the channels used, lower case, between commas
    traits       VARCHAR                -- JSON object
);

-- The latest consent per channel and purpose of each surviving profile.
CREATE TABLE profile_consents (
    profile_id BIGINT NOT NULL,
    channel    VARCHAR NOT NULL,
    purpose    VARCHAR NOT NULL,
    granted    BOOLEAN NOT NULL,
    changed_at TIMESTAMP NOT NULL
);

-- The businesses each surviving profile belongs to (e-mail domain, group call or company field).
CREATE TABLE profile_businesses (
    profile_id  BIGINT NOT NULL,
    business_id VARCHAR NOT NULL
);

-- Household traits, as the household page computes them.
CREATE TABLE household_traits (
    household_id VARCHAR NOT NULL,
    members      INTEGER NOT NULL,
    order_count  INTEGER NOT NULL,
    revenue      DECIMAL(18, 4) NOT NULL,
    last_seen    TIMESTAMP
);

-- Profiles whose derived rows wait to be recomputed (identity resolution and order imports add them).
CREATE TABLE profile_refresh (
    profile_id BIGINT NOT NULL
);
INSERT INTO profile_refresh SELECT profile_id FROM profiles WHERE merged_into IS NULL AND NOT retired;
