package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/store"
)

// MaxAttempts is how many times the deliverer tries to send a message before
// it gives up; the last error stays on the outbox row.
const MaxAttempts = 8

const (
	// retryBase is the wait after the first failed attempt; it doubles with
	// each further failure (1, 2, 4 … 64 minutes: about two hours in all).
	retryBase = time.Minute
	// claimLease is how long a claimed message is left alone by other
	// replicas. It outlasts sendTimeout, so a slow send is never sent twice;
	// a replica that dies while sending frees it when the lease ends.
	claimLease = sendTimeout + 3*time.Minute
	// pollInterval is how often Run looks for due messages.
	pollInterval = 5 * time.Second
	// roundLimit bounds one RunOnce, so Run gets to log and look at ctx.
	roundLimit = 1000
)

// inFlight is recorded while a message is being sent and replaced by the
// outcome. A row that keeps it had its deliverer stop mid-send: it is tried
// again when the claim ends, unless that was its last attempt.
const inFlight = "sending: outcome not recorded yet"

// noAddress is recorded on a message that has no e-mail address to go to: it
// stays in the outbox, shown in the citizen's space, and is not retried.
const noAddress = "no e-mail address"

// Deliverer sends the outbox by e-mail, each message in params["lang"] when
// that is one of i18n.Languages, else in Romanian. Several may run against
// one PostgreSQL database (one per replica): each message is claimed in a
// short transaction (FOR UPDATE SKIP LOCKED) that moves its next attempt past
// a lease, and is sent outside it, so no transaction waits on a mail server
// and no two deliverers send the same message. A message the server accepted
// is not sent again, even when the rest of the conversation (QUIT) fails; the
// one case left is a crash between the server's acceptance and the update
// that records it, after which the message goes out again when the lease
// ends (at least once rather than perhaps never).
type Deliverer struct {
	db     *store.DB
	mailer Mailer
	// SMS, when set, also texts the notices in smsKinds to a phone in the params.
	SMS  SMSSender
	log  *slog.Logger
	now  func() time.Time
	wake chan struct{}
}

// NewDeliverer returns a deliverer sending db's outbox through m. A nil log
// uses slog.Default().
func NewDeliverer(db *store.DB, m Mailer, log *slog.Logger) *Deliverer {
	if log == nil {
		log = slog.Default()
	}
	return &Deliverer{db: db, mailer: m, log: log, now: time.Now, wake: make(chan struct{}, 1)}
}

// Run delivers until ctx ends, looking for due messages every few seconds,
// and at once after Wake.
func (d *Deliverer) Run(ctx context.Context) {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("notify: deliver the outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-d.wake:
		}
	}
}

// Wake makes Run look at the outbox now instead of at its next tick; it
// never blocks. Pass it to store.Tx.AfterCommit after an Enqueue.
func (d *Deliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// RunOnce sends every message that is due: not sent, tried fewer than
// MaxAttempts times, and past its wait after the last failure. It returns
// how many the mail server accepted. A message the server refuses keeps its
// error and waits (1 minute × 2^(attempts-1)); one refused for good
// (ErrPermanent) is not tried again. A message with no address, given or
// found from its user_id, is marked sent with last_error "no e-mail
// address". err is about the database or ctx, never about a message.
func (d *Deliverer) RunOnce(ctx context.Context) (sent int, err error) {
	for range roundLimit {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		c, err := d.claim(ctx)
		if err != nil || c == nil {
			return sent, err
		}
		if c.to == "" {
			continue // recorded by claim
		}
		ok, err := d.deliver(ctx, c)
		if ok {
			sent++
		}
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// claimed is one outbox message taken for an attempt.
type claimed struct {
	id       int64
	to       string
	kind     string
	params   map[string]any
	attempts int // including this one
	at       time.Time
}

// skipLocked is the lock suffix for claiming: PostgreSQL replicas skip the rows
// another has locked; SQLite's single writer needs no lock.
func skipLocked(d store.Dialect) string {
	if d == store.Postgres {
		return d.ForUpdate() + " SKIP LOCKED"
	}
	return d.ForUpdate()
}

// claim takes the next due message, counts the attempt and puts its next try
// past the lease, all in one short transaction, and returns it; nil when none
// is due. A message without an address is settled here and returned with an
// empty to.
func (d *Deliverer) claim(ctx context.Context) (*claimed, error) {
	var out *claimed
	err := d.db.Tx(ctx, func(tx *store.Tx) error {
		out = nil
		now := d.now()
		var c claimed
		var userID int64
		var email, params string
		// attempts < MaxAttempts is written out so that the partial index
		// outbox_due (00003_notify.sql) serves the query.
		err := tx.QueryRowContext(ctx, `SELECT id, COALESCE(user_id, 0), email, kind, params, attempts FROM outbox
			WHERE sent_at = 0 AND attempts < `+strconv.Itoa(MaxAttempts)+` AND next_attempt_at <= $1
			ORDER BY next_attempt_at, id LIMIT 1`+skipLocked(tx.Dialect()), now.UnixMicro()).
			Scan(&c.id, &userID, &email, &c.kind, &params, &c.attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if email == "" && userID != 0 {
			err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, userID).Scan(&email)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if email == "" {
			_, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, last_error = $2 WHERE id = $3`,
				now.UnixMicro(), noAddress, c.id)
			out = &c
			return err
		}
		c.to, c.at = email, now
		c.attempts++
		if err := json.Unmarshal([]byte(params), &c.params); err != nil {
			c.params = nil // rendering reports what is missing
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4`,
			c.attempts, now.Add(claimLease).UnixMicro(), inFlight, c.id)
		out = &c
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("notify: claim an outbox message: %w", err)
	}
	return out, nil
}

// deliver renders and sends c and records the outcome. ok means the server
// accepted the message; err is a failure to record it.
func (d *Deliverer) deliver(ctx context.Context, c *claimed) (ok bool, err error) {
	lang := i18n.DefaultLanguage
	if l, _ := c.params["lang"].(string); slices.Contains(i18n.Languages, l) {
		lang = l
	}
	subject, body, sendErr := Render(c.kind, c.params, lang)
	if sendErr == nil {
		sendErr = d.send(ctx, c, subject, body)
	}
	// Record the outcome even when ctx has just ended: an accepted message
	// not marked sent would go out again when its lease ends.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if sendErr == nil {
		err = d.record(rctx, `UPDATE outbox SET sent_at = $1, last_error = '' WHERE id = $2`, d.now().UnixMicro(), c.id)
		if err != nil {
			d.log.Error("notify: e-mail accepted but not marked sent; it may go out twice", "outbox_id", c.id, "err", err)
		} else {
			d.log.Info("notify: e-mail sent", "outbox_id", c.id, "kind", c.kind, "attempt", c.attempts)
		}
		d.text(rctx, c, subject)
		return true, err
	}
	attempts, next := c.attempts, c.at.Add(retryDelay(c.attempts))
	if errors.Is(sendErr, ErrPermanent) || errors.Is(sendErr, ErrUnknownKind) || errors.Is(sendErr, ErrMissingParam) {
		attempts = max(attempts, MaxAttempts)
	}
	d.log.Warn("notify: e-mail not sent", "outbox_id", c.id, "kind", c.kind, "attempt", c.attempts,
		"gives_up", attempts >= MaxAttempts, "err", sendErr)
	err = d.record(rctx, `UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4`,
		attempts, next.UnixMicro(), truncate(sendErr.Error(), 500), c.id)
	return false, err
}

// record runs one update in a transaction, trying three times: it settles a
// message that was already handed to the mail server.
func (d *Deliverer) record(ctx context.Context, query string, args ...any) error {
	var err error
	for try := range 3 {
		if try > 0 {
			select {
			case <-ctx.Done():
				return errors.Join(err, ctx.Err())
			case <-time.After(time.Duration(try) * time.Second):
			}
		}
		err = d.db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, query, args...)
			return err
		})
		if err == nil {
			return nil
		}
	}
	return fmt.Errorf("notify: record delivery: %w", err)
}

// retryDelay is the wait after the n-th failed attempt: 1 minute × 2^(n-1).
func retryDelay(n int) time.Duration {
	return retryBase << max(0, min(n-1, 20))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
