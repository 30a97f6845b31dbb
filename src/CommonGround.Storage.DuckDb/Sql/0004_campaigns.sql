-- Campaigns of every team on one calendar, the workspace's settings (the global control group) and
-- each campaign's evaluated target list. Independent of the audience tables (0003).
CREATE TABLE campaigns (
    campaign_id    VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    team           VARCHAR NOT NULL,
    channel        VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    audience_id    VARCHAR,
    -- oneOff: starts_at = ends_at = the moment; recurring: cron in time_zone from starts_at until
    -- ends_at (exclusive, or open); alwaysOn: runs from starts_at until ends_at.
    schedule_kind  VARCHAR NOT NULL,
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP,
    cron           VARCHAR,
    time_zone      VARCHAR,
    priority       INTEGER NOT NULL,
    expected_value DECIMAL(18,4) NOT NULL,
    holdout_share  DOUBLE NOT NULL,
    holdout_salt   VARCHAR NOT NULL,
    storyboard     VARCHAR,
    status         VARCHAR NOT NULL,
    created_by     VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_by     VARCHAR NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

-- One row (id 1) of workspace-wide settings.
CREATE TABLE workspace_settings (
    id                     INTEGER PRIMARY KEY,
    global_control_enabled BOOLEAN NOT NULL,
    global_control_share   DOUBLE NOT NULL,
    global_control_salt    VARCHAR NOT NULL,
    updated_by             VARCHAR,
    updated_at             TIMESTAMP
);

-- Who a campaign would contact, and who it keeps out (its holdout, the global control group). One row
-- per (campaign_id, profile_id): the store replaces a campaign's list whole. No key index: lists are
-- large and written in bulk.
CREATE TABLE campaign_targets (
    campaign_id  VARCHAR NOT NULL,
    profile_id   BIGINT NOT NULL,
    household_id VARCHAR,
    holdout      BOOLEAN NOT NULL,
    control      BOOLEAN NOT NULL
);
