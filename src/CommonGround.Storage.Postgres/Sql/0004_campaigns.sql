-- Campaigns of every team on one calendar, the workspace's settings (the global control group) and
-- each campaign's evaluated target list. Independent of the audience tables (0003).
CREATE TABLE campaigns (
    campaign_id    text             NOT NULL,
    name           text             NOT NULL,
    team           text             NOT NULL,
    channel        text             NOT NULL,
    category       text             NOT NULL,
    audience_id    text,
    -- oneOff: starts_at = ends_at = the moment; recurring: cron in time_zone from starts_at until
    -- ends_at (exclusive, or open); alwaysOn: runs from starts_at until ends_at.
    schedule_kind  text             NOT NULL,
    starts_at      timestamptz      NOT NULL,
    ends_at        timestamptz,
    cron           text,
    time_zone      text,
    priority       integer          NOT NULL,
    expected_value numeric(18,4)    NOT NULL,
    holdout_share  double precision NOT NULL,
    holdout_salt   text             NOT NULL,
    storyboard     text,
    status         text             NOT NULL,
    created_by     text             NOT NULL,
    created_at     timestamptz      NOT NULL,
    updated_by     text             NOT NULL,
    updated_at     timestamptz      NOT NULL,
    CONSTRAINT campaigns_pkey PRIMARY KEY (campaign_id)
);
CREATE INDEX campaigns_window ON campaigns (starts_at, ends_at);

-- One row (id 1) of workspace-wide settings.
CREATE TABLE workspace_settings (
    id                     integer          NOT NULL,
    global_control_enabled boolean          NOT NULL,
    global_control_share   double precision NOT NULL,
    global_control_salt    text             NOT NULL,
    updated_by             text,
    updated_at             timestamptz,
    CONSTRAINT workspace_settings_pkey PRIMARY KEY (id),
    CONSTRAINT workspace_settings_one_row CHECK (id = 1)
);

-- Who a campaign would contact, and who it keeps out (its holdout, the global control group).
CREATE TABLE campaign_targets (
    campaign_id  text    NOT NULL,
    profile_id   bigint  NOT NULL,
    household_id text,
    holdout      boolean NOT NULL,
    control      boolean NOT NULL,
    CONSTRAINT campaign_targets_pkey PRIMARY KEY (campaign_id, profile_id)
);
