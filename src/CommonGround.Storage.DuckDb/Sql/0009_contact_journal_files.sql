-- The contact journal is first written to files in the data directory (journal/contact-N.log) and
-- moved into contact_ledger and contact_held_back in bulk. The same transaction that moves a file's
-- rows records its number here, so after a crash the files up to this number are deleted and the
-- newer ones moved again: nothing is moved twice or lost.
CREATE TABLE contact_journal_moved (moved_through BIGINT NOT NULL);
INSERT INTO contact_journal_moved VALUES (0);
