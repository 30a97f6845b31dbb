-- Campaign overlap from bitmaps: each household a dense number (a bitmap's bit), and each campaign's
-- contacted targets (neither held out nor in the control group) as two bitmaps, customers by profile
-- id and households by number, written with the target list. Campaigns whose targets were written
-- before this migration get theirs the first time an overlap needs them.
CREATE TABLE household_numbers (
    household_id TEXT PRIMARY KEY,
    number       BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE campaign_target_sets (
    campaign_id TEXT PRIMARY KEY,
    customers   BYTEA NOT NULL,
    households  BYTEA NOT NULL
);
