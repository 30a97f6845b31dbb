-- One store-wide sequence over events and customer records, in commit order: the identity resolver
-- takes up exactly where it stopped. The store gives it on write; existing rows are numbered here.
ALTER TABLE events ADD COLUMN seq BIGINT;
UPDATE events SET seq = n.seq
FROM (SELECT source_id, message_id, row_number() OVER (ORDER BY received_at, source_id, message_id) AS seq FROM events) n
WHERE events.source_id = n.source_id AND events.message_id = n.message_id;

ALTER TABLE customers ADD COLUMN seq BIGINT;
ALTER TABLE customers ADD COLUMN household_id VARCHAR;
ALTER TABLE customers ADD COLUMN business_id VARCHAR;
UPDATE customers SET seq = n.seq
FROM (SELECT source_id, customer_id, (SELECT coalesce(max(seq), 0) FROM events) + row_number() OVER (ORDER BY source_id, customer_id) AS seq FROM customers) n
WHERE customers.source_id = n.source_id AND customers.customer_id = n.customer_id;

-- Teams a personal catalog field is shared with, besides its owner: a JSON array of team names.
ALTER TABLE catalog_fields ADD COLUMN shared_with VARCHAR;

-- Identity: where resolution stands, its checkpoint, profiles and which identifier is whose.
CREATE TABLE identity_progress (
    id           INTEGER PRIMARY KEY,
    through_seq  BIGINT NOT NULL,
    resolved_at  TIMESTAMP NOT NULL
);

CREATE TABLE identity_checkpoints (
    id           INTEGER PRIMARY KEY,
    through_seq  BIGINT NOT NULL,
    saved_at     TIMESTAMP NOT NULL,
    graph        BLOB NOT NULL
);

CREATE TABLE profiles (
    profile_id           BIGINT PRIMARY KEY,
    created_at           TIMESTAMP NOT NULL,
    founding_observation BIGINT NOT NULL,
    merged_into          BIGINT,
    retired              BOOLEAN NOT NULL
);

CREATE TABLE profile_identifiers (
    type         VARCHAR NOT NULL,
    value        VARCHAR NOT NULL,
    profile_id   BIGINT,
    business_id  VARCHAR,
    PRIMARY KEY (type, value)
);

CREATE TABLE identity_merges (
    merge_id         BIGINT PRIMARY KEY,
    survivor         BIGINT NOT NULL,
    absorbed         BIGINT NOT NULL,
    identifier_type  VARCHAR NOT NULL,
    identifier_value VARCHAR NOT NULL,
    evidence_kind    VARCHAR NOT NULL,
    evidence_source  VARCHAR NOT NULL,
    evidence_key     VARCHAR NOT NULL,
    occurred_at      TIMESTAMP NOT NULL,
    observation      BIGINT NOT NULL,
    status           VARCHAR NOT NULL,
    undone_at        TIMESTAMP,
    undone_by        BIGINT
);

CREATE TABLE identity_conflicts (
    conflict_id      BIGINT PRIMARY KEY,
    profile_id       BIGINT NOT NULL,
    other_id         BIGINT,
    identifier_type  VARCHAR NOT NULL,
    identifier_value VARCHAR NOT NULL,
    evidence_kind    VARCHAR NOT NULL,
    evidence_source  VARCHAR NOT NULL,
    evidence_key     VARCHAR NOT NULL,
    occurred_at      TIMESTAMP NOT NULL,
    reason           VARCHAR NOT NULL,
    limit_type       VARCHAR
);

-- Households: people at one normalised address. Customer records point at theirs (customers.household_id).
CREATE TABLE households (
    household_id VARCHAR PRIMARY KEY,
    key          VARCHAR NOT NULL,
    address      VARCHAR
);

-- Businesses, from group calls, company fields and corporate e-mail domains.
CREATE TABLE businesses (
    business_id  VARCHAR PRIMARY KEY,
    key          VARCHAR NOT NULL,
    name         VARCHAR,
    domain       VARCHAR,
    traits       VARCHAR
);

-- Identifiers seen in a group call with a business: their profile is a member.
CREATE TABLE business_links (
    business_id      VARCHAR NOT NULL,
    identifier_type  VARCHAR NOT NULL,
    identifier_value VARCHAR NOT NULL,
    via              VARCHAR NOT NULL,
    PRIMARY KEY (business_id, identifier_type, identifier_value)
);
