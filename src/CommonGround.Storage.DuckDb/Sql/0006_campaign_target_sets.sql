-- Campaign overlap from bitmaps: each household a dense number (a bitmap's bit), and each campaign's
-- contacted targets (neither held out nor in the control group) as two bitmaps, customers by profile
-- id and households by number, written with the target list. Campaigns whose targets were written
-- before this migration get theirs the first time an overlap needs them.
CREATE SEQUENCE household_number_seq START 1;
CREATE TABLE household_numbers (
    household_id VARCHAR PRIMARY KEY,
    number       BIGINT NOT NULL DEFAULT nextval('household_number_seq')
);
CREATE TABLE campaign_target_sets (
    campaign_id VARCHAR NOT NULL,
    customers   BLOB NOT NULL,
    households  BLOB NOT NULL
);
