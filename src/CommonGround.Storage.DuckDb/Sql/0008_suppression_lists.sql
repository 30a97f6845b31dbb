-- Stored suppression lists: who is on which list, by normalised identifier (IdentifierNormalizer:
-- e-mail lower-cased, phone in E.164), so "Ann@Example.com" and "ann@example.com" are one member.
-- Membership is by identifier and resolved through profile_identifiers when read, so a member counts
-- for whichever profile has the identifier, including one that gets it later. What a list blocks is
-- the contact policy's (suppressionLists); a list the policy does not define blocks nothing.
CREATE TABLE suppression_members (
    list_name        VARCHAR NOT NULL,
    identifier_type  VARCHAR NOT NULL,
    identifier_value VARCHAR NOT NULL,
    reason           VARCHAR,
    added_by         VARCHAR NOT NULL,     -- the API key id or CLI user that added it
    added_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (list_name, identifier_type, identifier_value)
);
