-- The contact policy: its versions, the journal of the embedded ledger, and held-back decisions.
CREATE TABLE contact_policy_versions (
    number     integer     NOT NULL,
    changed_by text        NOT NULL,
    changed_at timestamptz NOT NULL,
    policy     text        NOT NULL,     -- ContactPolicyJson
    note       text,
    CONSTRAINT contact_policy_versions_pkey PRIMARY KEY (number)
);

-- Append-only: one row per reservation, confirmation, cancellation or reported send, written in
-- group commits. Reservations and sends carry the message (time, household, campaign facts);
-- confirmations and cancellations only name the entry (profile_id, entry).
CREATE TABLE contact_ledger (
    profile_id     bigint        NOT NULL,
    entry          bigint        NOT NULL,   -- the reservation number: reservation id "r{profile_id}-{entry}"
    change         text          NOT NULL,   -- reserved, confirmed, cancelled, sent
    recorded_at    timestamptz   NOT NULL,
    message_at     timestamptz,
    expires_at     timestamptz,
    household_id   text,
    campaign_id    text,
    campaign_name  text,
    team           text,
    channel        text,
    category       text,
    priority       integer,
    expected_value numeric(18,4)
);
CREATE INDEX contact_ledger_at ON contact_ledger (message_at);
CREATE INDEX contact_ledger_profile ON contact_ledger (profile_id, entry);
CREATE INDEX contact_ledger_settled ON contact_ledger (recorded_at) WHERE message_at IS NULL;

-- Real-time decisions that held a message back, with their reasons (JSON: [{"code","text"}]).
CREATE TABLE contact_held_back (
    profile_id     bigint        NOT NULL,
    message_at     timestamptz   NOT NULL,
    decided_at     timestamptz   NOT NULL,
    policy_version integer       NOT NULL,
    campaign_id    text          NOT NULL,
    campaign_name  text          NOT NULL,
    team           text          NOT NULL,
    channel        text          NOT NULL,
    category       text          NOT NULL,
    priority       integer       NOT NULL,
    expected_value numeric(18,4) NOT NULL,
    reasons        text          NOT NULL
);
CREATE INDEX contact_held_back_profile ON contact_held_back (profile_id, message_at);
