-- The contact policy: its versions, the journal of the embedded ledger, and held-back decisions.
CREATE TABLE contact_policy_versions (
    number     INTEGER PRIMARY KEY,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    policy     VARCHAR NOT NULL,     -- ContactPolicyJson
    note       VARCHAR
);

-- Append-only: one row per reservation, confirmation, cancellation or reported send, written in
-- group commits. Reservations and sends carry the message (time, household, campaign facts);
-- confirmations and cancellations only name the entry (profile_id, entry). No key index: written
-- in bulk, read by time at start and per profile for its page.
CREATE TABLE contact_ledger (
    profile_id     BIGINT NOT NULL,
    entry          BIGINT NOT NULL,      -- the reservation number: reservation id "r{profile_id}-{entry}"
    change         VARCHAR NOT NULL,     -- reserved, confirmed, cancelled, sent
    recorded_at    TIMESTAMP NOT NULL,
    message_at     TIMESTAMP,
    expires_at     TIMESTAMP,
    household_id   VARCHAR,
    campaign_id    VARCHAR,
    campaign_name  VARCHAR,
    team           VARCHAR,
    channel        VARCHAR,
    category       VARCHAR,
    priority       INTEGER,
    expected_value DECIMAL(18,4)
);

-- Real-time decisions that held a message back, with their reasons (JSON: [{"code","text"}]).
CREATE TABLE contact_held_back (
    profile_id     BIGINT NOT NULL,
    message_at     TIMESTAMP NOT NULL,
    decided_at     TIMESTAMP NOT NULL,
    policy_version INTEGER NOT NULL,
    campaign_id    VARCHAR NOT NULL,
    campaign_name  VARCHAR NOT NULL,
    team           VARCHAR NOT NULL,
    channel        VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    priority       INTEGER NOT NULL,
    expected_value DECIMAL(18,4) NOT NULL,
    reasons        VARCHAR NOT NULL
);
