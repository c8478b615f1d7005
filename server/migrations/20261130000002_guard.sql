-- What several server processes on one database must agree on (issue 8, point 13).
--
-- Secrets the server makes itself on first use (the key that signs open-link device marks, the
-- salt that hides rate-limit keys): one row each, made by whichever process needs it first.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Rate-limit counters: one fixed window per bucket and key. The key is a keyed hash of the
-- address or account, never the address itself; rows whose window is long over are pruned.
CREATE TABLE rate_counts (
    bucket TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, key_hash)
);
