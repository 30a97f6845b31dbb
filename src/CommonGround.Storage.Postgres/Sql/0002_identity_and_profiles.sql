-- One store-wide sequence over events and customer records, in commit order (writers take an
-- advisory lock): the identity resolver takes up exactly where it stopped.
CREATE SEQUENCE evidence_seq;

ALTER TABLE events ADD COLUMN seq BIGINT;
UPDATE events SET seq = n.seq
FROM (SELECT source_id, message_id, nextval('evidence_seq') AS seq
      FROM (SELECT source_id, message_id FROM events ORDER BY received_at, source_id, message_id) o) n
WHERE events.source_id = n.source_id AND events.message_id = n.message_id;
ALTER TABLE events ALTER COLUMN seq SET DEFAULT nextval('evidence_seq');
CREATE INDEX events_seq ON events (seq);
CREATE INDEX events_user_id ON events (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX events_anonymous_id ON events (anonymous_id) WHERE anonymous_id IS NOT NULL;

ALTER TABLE customers ADD COLUMN seq BIGINT;
ALTER TABLE customers ADD COLUMN household_id TEXT;
ALTER TABLE customers ADD COLUMN business_id TEXT;
UPDATE customers SET seq = n.seq
FROM (SELECT source_id, customer_id, nextval('evidence_seq') AS seq
      FROM (SELECT source_id, customer_id FROM customers ORDER BY source_id, customer_id) o) n
WHERE customers.source_id = n.source_id AND customers.customer_id = n.customer_id;
ALTER TABLE customers ALTER COLUMN seq SET DEFAULT nextval('evidence_seq');
CREATE INDEX customers_seq ON customers (seq);
CREATE INDEX customers_household ON customers (household_id) WHERE household_id IS NOT NULL;
CREATE INDEX customers_business ON customers (business_id) WHERE business_id IS NOT NULL;
-- A profile finds its customer records and their orders by external id, "source:customer".
CREATE INDEX customers_external_id ON customers ((source_id || ':' || customer_id));
CREATE INDEX orders_external_id ON orders ((source_id || ':' || customer_id));

-- Teams a personal catalog field is shared with, besides its owner: a JSON array of team names.
ALTER TABLE catalog_fields ADD COLUMN shared_with TEXT;

CREATE TABLE identity_progress (
    id           INTEGER PRIMARY KEY,
    through_seq  BIGINT NOT NULL,
    resolved_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE identity_checkpoints (
    id           INTEGER PRIMARY KEY,
    through_seq  BIGINT NOT NULL,
    saved_at     TIMESTAMPTZ NOT NULL,
    graph        BYTEA NOT NULL
);

CREATE TABLE profiles (
    profile_id           BIGINT PRIMARY KEY,
    created_at           TIMESTAMPTZ NOT NULL,
    founding_observation BIGINT NOT NULL,
    merged_into          BIGINT,
    retired              BOOLEAN NOT NULL
);
CREATE INDEX profiles_merged_into ON profiles (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE profile_identifiers (
    type         TEXT NOT NULL,
    value        TEXT NOT NULL,
    profile_id   BIGINT,
    business_id  TEXT,
    PRIMARY KEY (type, value)
);
CREATE INDEX profile_identifiers_profile ON profile_identifiers (profile_id);
CREATE INDEX profile_identifiers_business ON profile_identifiers (business_id) WHERE business_id IS NOT NULL;
CREATE INDEX profile_identifiers_value ON profile_identifiers (lower(value) text_pattern_ops);

CREATE TABLE identity_merges (
    merge_id         BIGINT PRIMARY KEY,
    survivor         BIGINT NOT NULL,
    absorbed         BIGINT NOT NULL,
    identifier_type  TEXT NOT NULL,
    identifier_value TEXT NOT NULL,
    evidence_kind    TEXT NOT NULL,
    evidence_source  TEXT NOT NULL,
    evidence_key     TEXT NOT NULL,
    occurred_at      TIMESTAMPTZ NOT NULL,
    observation      BIGINT NOT NULL,
    status           TEXT NOT NULL,
    undone_at        TIMESTAMPTZ,
    undone_by        BIGINT
);
CREATE INDEX identity_merges_survivor ON identity_merges (survivor);
CREATE INDEX identity_merges_absorbed ON identity_merges (absorbed);

CREATE TABLE identity_conflicts (
    conflict_id      BIGINT PRIMARY KEY,
    profile_id       BIGINT NOT NULL,
    other_id         BIGINT,
    identifier_type  TEXT NOT NULL,
    identifier_value TEXT NOT NULL,
    evidence_kind    TEXT NOT NULL,
    evidence_source  TEXT NOT NULL,
    evidence_key     TEXT NOT NULL,
    occurred_at      TIMESTAMPTZ NOT NULL,
    reason           TEXT NOT NULL,
    limit_type       TEXT
);
CREATE INDEX identity_conflicts_profile ON identity_conflicts (profile_id);
CREATE INDEX identity_conflicts_other ON identity_conflicts (other_id);

CREATE TABLE households (
    household_id TEXT PRIMARY KEY,
    key          TEXT NOT NULL,
    address      TEXT
);

CREATE TABLE businesses (
    business_id  TEXT PRIMARY KEY,
    key          TEXT NOT NULL,
    name         TEXT,
    domain       TEXT,
    traits       JSON
);

CREATE TABLE business_links (
    business_id      TEXT NOT NULL,
    identifier_type  TEXT NOT NULL,
    identifier_value TEXT NOT NULL,
    via              TEXT NOT NULL,
    PRIMARY KEY (business_id, identifier_type, identifier_value)
);
CREATE INDEX business_links_identifier ON business_links (identifier_type, identifier_value);
