-- Audiences: saved rules, membership snapshots, and the relations rules are evaluated on.

CREATE TABLE audiences (
    id          text        NOT NULL,
    name        text        NOT NULL,
    team        text,
    description text,
    rule        jsonb       NOT NULL,      -- the JSON form (AudienceJson)
    text        text        NOT NULL,      -- the canonical text
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT audiences_pkey PRIMARY KEY (id),
    CONSTRAINT audiences_name_unique UNIQUE (name)
);

CREATE SEQUENCE audience_snapshot_ids;

CREATE TABLE audience_snapshots (
    snapshot_id     bigint      NOT NULL,
    audience_id     text        NOT NULL,
    taken_at        timestamptz NOT NULL,
    as_of           timestamptz NOT NULL,
    member_count    bigint      NOT NULL,
    household_count bigint      NOT NULL,
    CONSTRAINT audience_snapshots_pkey PRIMARY KEY (snapshot_id)
);
CREATE INDEX audience_snapshots_audience ON audience_snapshots (audience_id, as_of);

-- Members as they were: the profile id and household of the time (merges since are followed on read).
CREATE TABLE audience_members (
    snapshot_id  bigint NOT NULL,
    profile_id   bigint NOT NULL,
    household_id text,
    CONSTRAINT audience_members_pkey PRIMARY KEY (snapshot_id, profile_id)
);

-- The profile identity resolution put each event in, when it saved that step: events reach their
-- person by an integer. A profile absorbed since is followed through profile_survivors.
ALTER TABLE events ADD COLUMN profile_id bigint;
UPDATE events e SET profile_id = coalesce(
    (SELECT profile_id FROM profile_identifiers WHERE type = 'userId' AND value = e.user_id),
    (SELECT profile_id FROM profile_identifiers WHERE type = 'anonymousId' AND value = e.anonymous_id))
WHERE e.user_id IS NOT NULL OR e.anonymous_id IS NOT NULL;
CREATE INDEX events_profile ON events (profile_id);
CREATE INDEX events_name_time ON events (name, "timestamp") WHERE type = 'track';

-- Every absorbed profile and the surviving profile it is now part of (flat: never a chain).
CREATE TABLE profile_survivors (
    profile_id  bigint NOT NULL,
    survivor_id bigint NOT NULL,
    CONSTRAINT profile_survivors_pkey PRIMARY KEY (profile_id)
);
CREATE INDEX profile_survivors_survivor ON profile_survivors (survivor_id);
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
    profile_id   bigint  NOT NULL,
    household_id text,
    display_name text,
    email        text,
    first_seen   timestamptz,
    last_seen    timestamptz,
    event_count  bigint  NOT NULL,
    order_count  integer NOT NULL,
    revenue      numeric NOT NULL,
    currency     text,
    channels     text,                  -- ',email,web,': the channels used, lower case, between commas
    traits       jsonb,
    CONSTRAINT profile_traits_pkey PRIMARY KEY (profile_id)
);
CREATE INDEX profile_traits_household ON profile_traits (household_id) WHERE household_id IS NOT NULL;

CREATE TABLE profile_consents (
    profile_id bigint      NOT NULL,
    channel    text        NOT NULL,
    purpose    text        NOT NULL,
    granted    boolean     NOT NULL,
    changed_at timestamptz NOT NULL,
    CONSTRAINT profile_consents_pkey PRIMARY KEY (profile_id, channel, purpose)
);

CREATE TABLE profile_businesses (
    profile_id  bigint NOT NULL,
    business_id text   NOT NULL,
    CONSTRAINT profile_businesses_pkey PRIMARY KEY (profile_id, business_id)
);
CREATE INDEX profile_businesses_business ON profile_businesses (business_id);

CREATE TABLE household_traits (
    household_id text    NOT NULL,
    members      integer NOT NULL,
    order_count  integer NOT NULL,
    revenue      numeric NOT NULL,
    last_seen    timestamptz,
    CONSTRAINT household_traits_pkey PRIMARY KEY (household_id)
);

-- Profiles whose derived rows wait to be recomputed (identity resolution and order imports add them).
CREATE TABLE profile_refresh (
    queued_id  bigint GENERATED ALWAYS AS IDENTITY,
    profile_id bigint NOT NULL,
    CONSTRAINT profile_refresh_pkey PRIMARY KEY (queued_id)
);
INSERT INTO profile_refresh (profile_id) SELECT profile_id FROM profiles WHERE merged_into IS NULL AND NOT retired;

-- A moment from ISO-8601 text, UTC when it names no offset; NULL when it is not one.
CREATE FUNCTION cg_try_timestamptz(value text) RETURNS timestamptz LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF value IS NULL OR value !~ '^\s*\d{4}-\d{2}-\d{2}' THEN RETURN NULL; END IF;
    IF value ~ '(Z|z|[+-]\d{2}(:?\d{2})?)\s*$' THEN RETURN value::timestamptz; END IF;
    RETURN value::timestamp AT TIME ZONE 'UTC';
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;
