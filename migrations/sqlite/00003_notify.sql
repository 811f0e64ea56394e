-- +goose Up
-- E-mail delivery of the outbox (internal/notify/deliver.go). next_attempt_at (Unix
-- microseconds; 0 = at once) is when a message may next be tried: after a failure, the
-- last attempt plus 1 minute x 2^(attempts-1); while a deliverer sends it, the end of
-- that deliverer's claim, so no other replica takes it meanwhile.
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
-- The deliverer's queue: unsent messages with attempts left (8 = notify.MaxAttempts).
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE sent_at = 0 AND attempts < 8;

-- +goose Down
DROP INDEX outbox_due;
ALTER TABLE outbox DROP COLUMN next_attempt_at;
