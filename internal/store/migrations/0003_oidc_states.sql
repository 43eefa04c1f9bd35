-- Sign-ins through OpenID Connect that have started but not come back from the provider. A row
-- is known by the SHA-256 of the state parameter, lives ten minutes and is used once. It holds
-- the nonce and the PKCE verifier, so neither ever leaves the server, and the hash of a cookie
-- in the browser that started the sign-in, so that no one can finish it in another browser.
CREATE TABLE oidc_states (
    state_hash TEXT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    next TEXT NOT NULL DEFAULT '',
    browser_hash TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    expires_at {{timestamp}} NOT NULL
);
CREATE INDEX oidc_states_expires ON oidc_states (expires_at);
