-- Stored suppression lists: who is on which list, by normalised identifier (IdentifierNormalizer:
-- e-mail lower-cased, phone in E.164), so "Ann@Example.com" and "ann@example.com" are one member.
-- Membership is by identifier and resolved through profile_identifiers when read, so a member counts
-- for whichever profile has the identifier, including one that gets it later. What a list blocks is
-- the contact policy's (suppressionLists); a list the policy does not define blocks nothing.
CREATE TABLE suppression_members (
    list_name        text        NOT NULL,
    identifier_type  text        NOT NULL,
    identifier_value text        NOT NULL,
    reason           text,
    added_by         text        NOT NULL,   -- the API key id or CLI user that added it
    added_at         timestamptz NOT NULL,
    CONSTRAINT suppression_members_pkey PRIMARY KEY (list_name, identifier_type, identifier_value)
);
-- A profile's lists are found from its identifiers.
CREATE INDEX suppression_members_identifier ON suppression_members (identifier_type, identifier_value);
