-- Events, refused requests, sources, API keys, the data catalog and imported records.
-- Tables are created unqualified, in the first schema of the connection's search path.
-- JSON members use the json type: it checks the text is JSON but keeps it exactly as sent.

CREATE TABLE events (
    source_id          text        NOT NULL,
    message_id         text        NOT NULL,
    type               text        NOT NULL,
    name               text,
    category           text,
    user_id            text,
    anonymous_id       text,
    group_id           text,
    previous_id        text,
    "timestamp"        timestamptz NOT NULL,
    original_timestamp timestamptz,
    sent_at            timestamptz,
    received_at        timestamptz NOT NULL,
    context            json,
    properties         json,
    traits             json,
    integrations       json,
    CONSTRAINT events_pkey PRIMARY KEY (source_id, message_id)
);

CREATE INDEX events_message_id ON events (message_id);

CREATE TABLE rejects (
    id          text        NOT NULL,
    -- Insertion order breaks ties between requests refused in the same microsecond.
    seq         bigint      GENERATED ALWAYS AS IDENTITY,
    source_id   text,
    received_at timestamptz NOT NULL,
    channel     text        NOT NULL,
    reason      text        NOT NULL,
    body        text,
    CONSTRAINT rejects_pkey PRIMARY KEY (id)
);

CREATE INDEX rejects_newest ON rejects (received_at DESC, seq DESC);
CREATE INDEX rejects_source_newest ON rejects (source_id, received_at DESC, seq DESC);

CREATE TABLE sources (
    id         text        NOT NULL,
    name       text        NOT NULL,
    team       text        NOT NULL,
    write_key  text        NOT NULL,
    enabled    boolean     NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT sources_pkey PRIMARY KEY (id),
    CONSTRAINT sources_name_unique UNIQUE (name),
    CONSTRAINT sources_write_key_unique UNIQUE (write_key)
);

CREATE TABLE api_keys (
    id          text        NOT NULL,
    secret_hash text        NOT NULL,
    role        text        NOT NULL,
    team        text,
    name        text,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT api_keys_secret_hash_unique UNIQUE (secret_hash),
    CONSTRAINT api_keys_role_known CHECK (role IN ('admin', 'team'))
);

-- Dataset and field names sort by code point, whatever the database's collation.
CREATE TABLE catalog_fields (
    data_type   text        NOT NULL,
    dataset     text        COLLATE "C" NOT NULL,
    field       text        COLLATE "C" NOT NULL,
    value_type  text        NOT NULL,
    owner_team  text        NOT NULL,
    personal    boolean     NOT NULL,
    declared    boolean     NOT NULL DEFAULT false,
    description text,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    seen_count  bigint      NOT NULL,
    CONSTRAINT catalog_fields_pkey PRIMARY KEY (data_type, dataset, field),
    CONSTRAINT catalog_fields_data_type_known
        CHECK (data_type IN ('behavioural', 'transactional', 'profile', 'consent'))
);

-- row_hash is the record's fingerprint (RecordFingerprint), so a re-import can tell unchanged rows apart.
CREATE TABLE customers (
    source_id    text        NOT NULL,
    customer_id  text        NOT NULL,
    email        text,
    phone        text,
    first_name   text,
    last_name    text,
    address_line text,
    postal_code  text,
    city         text,
    country      text,
    company      text,
    created_at   timestamptz,
    traits       json,
    row_hash     text        NOT NULL,
    CONSTRAINT customers_pkey PRIMARY KEY (source_id, customer_id)
);

CREATE TABLE orders (
    source_id   text        NOT NULL,
    order_id    text        NOT NULL,
    customer_id text        NOT NULL,
    ordered_at  timestamptz NOT NULL,
    total       numeric     NOT NULL,
    currency    text,
    status      text,
    properties  json,
    row_hash    text        NOT NULL,
    CONSTRAINT orders_pkey PRIMARY KEY (source_id, order_id)
);

CREATE INDEX orders_customer ON orders (source_id, customer_id);
