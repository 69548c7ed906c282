-- Idempotency keys keep SHA-256 digests of the key and of the canonical request instead of
-- the texts themselves: a row costs a few dozen bytes plus the stored answer, whatever the
-- request's size (a 16 KiB body used to be kept whole for 24 hours, and a re-serialised one
-- could outgrow its TEXT column). claim_token names the request that holds a running
-- claim: only that request may store the answer, so a stale attempt whose claim was taken
-- over can never overwrite it. Rows made before this migration keep their answers: their
-- digests are computed from the texts they held.
ALTER TABLE idempotency_keys
  ADD COLUMN key_digest     BINARY(32) NULL AFTER user_id,
  ADD COLUMN request_digest BINARY(32) NULL AFTER idem_key,
  ADD COLUMN claim_token    BIGINT     NULL AFTER request_digest;

UPDATE idempotency_keys
SET key_digest = UNHEX(SHA2(idem_key, 256)), request_digest = UNHEX(SHA2(request_body, 256));

ALTER TABLE idempotency_keys
  DROP PRIMARY KEY,
  MODIFY key_digest BINARY(32) NOT NULL,
  MODIFY request_digest BINARY(32) NOT NULL,
  ADD PRIMARY KEY (user_id, key_digest),
  DROP COLUMN idem_key,
  DROP COLUMN request_body;
