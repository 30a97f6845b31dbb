-- Sources: each team's tools, with their write keys.
CREATE TABLE sources (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL UNIQUE,
    team        VARCHAR NOT NULL,
    write_key   VARCHAR NOT NULL UNIQUE,
    enabled     BOOLEAN NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- API keys for /api/*: only the SHA-256 of the secret is kept.
CREATE TABLE api_keys (
    id          VARCHAR PRIMARY KEY,
    secret_hash VARCHAR NOT NULL UNIQUE,
    role        VARCHAR NOT NULL,
    team        VARCHAR,
    name        VARCHAR,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);

-- Every call of the Segment spec, from every source. (source_id, message_id) makes retries harmless.
CREATE TABLE events (
    source_id          VARCHAR NOT NULL,
    message_id         VARCHAR NOT NULL,
    type               VARCHAR NOT NULL,
    name               VARCHAR,
    category           VARCHAR,
    user_id            VARCHAR,
    anonymous_id       VARCHAR,
    group_id           VARCHAR,
    previous_id        VARCHAR,
    timestamp          TIMESTAMP NOT NULL,
    original_timestamp TIMESTAMP,
    sent_at            TIMESTAMP,
    received_at        TIMESTAMP NOT NULL,
    context            VARCHAR,
    properties         VARCHAR,
    traits             VARCHAR,
    integrations       VARCHAR,
    PRIMARY KEY (source_id, message_id)
);

-- Refused requests, kept with the reason.
CREATE TABLE rejects (
    id          VARCHAR PRIMARY KEY,
    source_id   VARCHAR,
    received_at TIMESTAMP NOT NULL,
    channel     VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    body        VARCHAR
);

-- The data catalog: every field of every dataset, its owner and whether it is personal.
CREATE TABLE catalog_fields (
    data_type   VARCHAR NOT NULL,
    dataset     VARCHAR NOT NULL,
    field       VARCHAR NOT NULL,
    value_type  VARCHAR NOT NULL,
    owner_team  VARCHAR NOT NULL,
    personal    BOOLEAN NOT NULL,
    declared    BOOLEAN NOT NULL,
    description VARCHAR,
    first_seen  TIMESTAMP NOT NULL,
    last_seen   TIMESTAMP NOT NULL,
    seen_count  BIGINT NOT NULL,
    PRIMARY KEY (data_type, dataset, field)
);

-- Records from the teams' systems of record, upserted by natural key.
CREATE TABLE customers (
    source_id    VARCHAR NOT NULL,
    customer_id  VARCHAR NOT NULL,
    email        VARCHAR,
    phone        VARCHAR,
    first_name   VARCHAR,
    last_name    VARCHAR,
    address_line VARCHAR,
    postal_code  VARCHAR,
    city         VARCHAR,
    country      VARCHAR,
    company      VARCHAR,
    created_at   TIMESTAMP,
    traits       VARCHAR,
    row_hash     VARCHAR NOT NULL,
    PRIMARY KEY (source_id, customer_id)
);

CREATE TABLE orders (
    source_id   VARCHAR NOT NULL,
    order_id    VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    ordered_at  TIMESTAMP NOT NULL,
    total       DECIMAL(18, 4) NOT NULL,
    currency    VARCHAR,
    status      VARCHAR,
    properties  VARCHAR,
    row_hash    VARCHAR NOT NULL,
    PRIMARY KEY (source_id, order_id)
);
