package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Microsecond)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func enqueue(t *testing.T, db *store.DB, msgs ...notify.Message) {
	t.Helper()
	err := db.Tx(context.Background(), func(tx *store.Tx) error {
		for _, m := range msgs {
			if err := notify.Enqueue(context.Background(), tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// outboxRow is what delivery records on a message.
type outboxRow struct {
	ID, SentAt, NextAttemptAt int64
	Attempts                  int
	LastError                 string
}

func outbox(t *testing.T, db *store.DB) []outboxRow {
	t.Helper()
	rows, err := db.Read().QueryContext(context.Background(),
		`SELECT id, sent_at, next_attempt_at, attempts, last_error FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.ID, &r.SentAt, &r.NextAttemptAt, &r.Attempts, &r.LastError); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func runOnce(t *testing.T, d *notify.Deliverer, want int) {
	t.Helper()
	sent, err := d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sent != want {
		t.Fatalf("RunOnce sent %d, want %d", sent, want)
	}
}

func deliverer(t *testing.T, db *store.DB, srv *mailServer, c *clock) *notify.Deliverer {
	t.Helper()
	d := notify.NewDeliverer(db, newMailer(t, notify.SMTPConfig{Addr: srv.Addr}), quiet)
	if c != nil {
		d.SetClock(c.Now)
	}
	return d
}

func TestDeliverRendersEachLanguage(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		srv := startMailServer(t)
		msgs := []notify.Message{
			{Email: "ana@example.ro", Kind: "case.decided", Params: map[string]any{
				"number": "594184/1/20.10.2026", "service": "urbanism.certificat", "service_name": "Certificat de urbanism",
				"legal_deadline": "2026-11-19", "outcome": "partial", "reason": "Lipsește avizul; restul e în regulă, țară și șosea.",
				"reply_number": "601001/1/02.11.2026"}},
			{Email: "john@example.com", Kind: "case.extended", Params: map[string]any{
				"lang": "en", "number": "17", "service": "parking.resident", "legal_deadline": "2026-12-21", "days": 15, "reason": "We need the police's opinion."}},
			{Email: "erzsebet@example.hu", Kind: "account.reset", Params: map[string]any{
				"lang": "hu", "link": "https://portal.primaria.ro/reset?t=őű"}},
			{Email: "ion@example.ro", Kind: "case.info_requested", Params: map[string]any{
				"lang": "xx", "number": "18", "service": "urbanism.certificat", "legal_deadline": "2026-11-19",
				"message": "Trimiteți planul.\r\nBcc: evil@example.com"}},
		}
		enqueue(t, db, msgs...)
		d := deliverer(t, db, srv, nil)
		runOnce(t, d, len(msgs))

		got := srv.Accepted()
		if len(got) != len(msgs) {
			t.Fatalf("%d accepted, want %d", len(got), len(msgs))
		}
		for i, m := range msgs {
			lang, _ := m.Params["lang"].(string)
			if lang != "en" && lang != "hu" {
				lang = "ro"
			}
			// Params travel through JSON in the outbox, as in production.
			wantSubject, wantBody, err := notify.Render(m.Kind, jsonRoundTrip(t, m.Params), lang)
			if err != nil {
				t.Fatal(err)
			}
			if got[i].To[0] != m.Email {
				t.Errorf("message %d went to %q, want %q", i, got[i].To, m.Email)
			}
			msg := decode(t, got[i].Data)
			if msg.Subject != wantSubject {
				t.Errorf("message %d subject %q, want %q", i, msg.Subject, wantSubject)
			}
			if msg.Body != wantBody {
				t.Errorf("message %d body %q, want %q", i, msg.Body, wantBody)
			}
			if len(msg.Header["Bcc"]) != 0 {
				t.Errorf("message %d has a Bcc header", i)
			}
		}
		for _, s := range []string{"Rezultatul: Aprobată parțial", "Lipsește avizul; restul e în regulă, țară și șosea.", "„Certificat de urbanism”", "601001/1/02.11.2026"} {
			if body := decode(t, got[0].Data).Body; !strings.Contains(body, s) {
				t.Errorf("Romanian body lacks %q:\n%s", s, body)
			}
		}
		if body := decode(t, got[1].Data).Body; !strings.Contains(body, "extended by 15 days") || !strings.Contains(body, "21 December 2026") {
			t.Errorf("English body:\n%s", body)
		}
		if msg := decode(t, got[2].Data); msg.Subject != "Jelszava megváltoztatása" || !strings.Contains(msg.Body, "https://portal.primaria.ro/reset?t=őű") {
			t.Errorf("Hungarian message: %q\n%s", msg.Subject, msg.Body)
		}

		for _, r := range outbox(t, db) {
			if r.SentAt == 0 || r.Attempts != 1 || r.LastError != "" {
				t.Errorf("row %+v, want sent on the first attempt", r)
			}
		}
		runOnce(t, d, 0)
		if n := srv.DataCalls(); n != len(msgs) {
			t.Errorf("%d messages offered, want %d: something was sent twice", n, len(msgs))
		}
	})
}

func TestDeliverRetriesWithBackoff(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		srv := startMailServer(t, refuseWith(func(n int) error {
			if n <= 2 {
				return tryLater
			}
			return nil
		}))
		c := newClock()
		d := deliverer(t, db, srv, c)
		enqueue(t, db, notify.Message{Email: "ana@example.ro", Kind: "account.verify", Params: map[string]any{"link": "https://p.ro/v/1"}})

		start := c.Now()
		runOnce(t, d, 0)
		r := outbox(t, db)[0]
		if r.SentAt != 0 || r.Attempts != 1 || !strings.Contains(r.LastError, "451") {
			t.Fatalf("after a 451: %+v", r)
		}
		if want := start.Add(time.Minute).UnixMicro(); r.NextAttemptAt != want {
			t.Errorf("next attempt at %d, want %d (one minute after the attempt)", r.NextAttemptAt, want)
		}

		c.Add(59 * time.Second)
		runOnce(t, d, 0) // not due yet
		if n := srv.DataCalls(); n != 1 {
			t.Fatalf("tried %d times before the wait was over", n)
		}

		c.Add(time.Second)
		second := c.Now()
		runOnce(t, d, 0)
		r = outbox(t, db)[0]
		if r.Attempts != 2 || r.NextAttemptAt != second.Add(2*time.Minute).UnixMicro() {
			t.Fatalf("after the second 451: %+v, want the wait doubled", r)
		}

		c.Add(2 * time.Minute)
		runOnce(t, d, 1)
		r = outbox(t, db)[0]
		if r.SentAt != c.Now().UnixMicro() || r.Attempts != 3 || r.LastError != "" {
			t.Errorf("after delivery: %+v", r)
		}
		c.Add(24 * time.Hour)
		runOnce(t, d, 0)
		if n, acc := srv.DataCalls(), len(srv.Accepted()); n != 3 || acc != 1 {
			t.Errorf("%d offered, %d accepted; want 3 and 1", n, acc)
		}
	})
}

func TestDeliverGivesUp(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		srv := startMailServer(t,
			refuseWith(func(int) error { return tryLater }),
			refuseRcpt(func(to string) error {
				if to == "nobody@example.ro" {
					return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
				}
				return nil
			}))
		c := newClock()
		d := deliverer(t, db, srv, c)
		enqueue(t, db,
			notify.Message{Email: "ana@example.ro", Kind: "account.verify", Params: map[string]any{"link": "https://p.ro/v/1"}},
			notify.Message{Email: "nobody@example.ro", Kind: "account.verify", Params: map[string]any{"link": "https://p.ro/v/2"}},
			notify.Message{Email: "ion@example.ro", Kind: "case.teleported", Params: map[string]any{"number": "1"}},
		)
		runOnce(t, d, 0)
		rows := outbox(t, db)
		if r := rows[1]; r.Attempts != notify.MaxAttempts || !strings.Contains(r.LastError, "550") {
			t.Errorf("a 550 should end the attempts at once: %+v", r)
		}
		if r := rows[2]; r.Attempts != notify.MaxAttempts || !strings.Contains(r.LastError, "teleported") {
			t.Errorf("a kind without text should end the attempts at once: %+v", r)
		}
		for range 20 {
			c.Add(3 * time.Hour)
			runOnce(t, d, 0)
		}
		rows = outbox(t, db)
		if r := rows[0]; r.SentAt != 0 || r.Attempts != notify.MaxAttempts || !strings.Contains(r.LastError, "451") {
			t.Errorf("after giving up: %+v", r)
		}
		if n := srv.DataCalls(); n != notify.MaxAttempts {
			t.Errorf("offered %d times, want %d", n, notify.MaxAttempts)
		}
	})
}

func TestDeliverFindsTheAddress(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		srv := startMailServer(t)
		var userID int64
		err := db.Tx(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRowContext(context.Background(), `INSERT INTO users (email, password_hash, role, created_at)
				VALUES ('maria@example.ro', 'x', 'citizen', 0) RETURNING id`).Scan(&userID)
		})
		if err != nil {
			t.Fatal(err)
		}
		params := map[string]any{"link": "https://p.ro/r/1"}
		enqueue(t, db,
			notify.Message{UserID: userID, Kind: "account.reset", Params: params},                           // the user's address
			notify.Message{UserID: userID, Email: "alta@example.ro", Kind: "account.reset", Params: params}, // its own address first
			notify.Message{Kind: "account.reset", Params: params},                                           // nobody
			notify.Message{UserID: userID + 1000, Kind: "account.reset", Params: params},                    // a user who does not exist
		)
		d := deliverer(t, db, srv, nil)
		runOnce(t, d, 2)
		got := srv.Accepted()
		if len(got) != 2 || got[0].To[0] != "maria@example.ro" || got[1].To[0] != "alta@example.ro" {
			t.Fatalf("accepted %+v", got)
		}
		for i, r := range outbox(t, db) {
			switch {
			case i < 2 && (r.SentAt == 0 || r.LastError != ""):
				t.Errorf("row %d: %+v, want sent", i, r)
			case i >= 2 && (r.SentAt == 0 || r.Attempts != 0 || r.LastError != "no e-mail address"):
				t.Errorf("row %d: %+v, want settled as in-app only", i, r)
			}
		}
		runOnce(t, d, 0)
		if n := srv.DataCalls(); n != 2 {
			t.Errorf("%d offered, want 2", n)
		}
	})
}

func TestDeliverDoesNotResendAfterAFailedQuit(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		srv := startMailServer(t, dropOnQuit())
		c := newClock()
		d := deliverer(t, db, srv, c)
		enqueue(t, db, notify.Message{Email: "ana@example.ro", Kind: "account.verify", Params: map[string]any{"link": "https://p.ro/v/1"}})
		runOnce(t, d, 1)
		for range 5 {
			c.Add(3 * time.Hour)
			runOnce(t, d, 0)
		}
		if n := srv.DataCalls(); n != 1 {
			t.Errorf("offered %d times, want once", n)
		}
		if r := outbox(t, db)[0]; r.SentAt == 0 || r.Attempts != 1 {
			t.Errorf("row %+v", r)
		}
	})
}

// TestDeliverReplicas runs several deliverers at once, each with its own
// connection pool as separate replicas have, and checks that every message
// goes out exactly once.
func TestDeliverReplicas(t *testing.T) {
	for _, k := range []testenv.Kind{testenv.SQLite, testenv.Postgres} {
		t.Run(string(k), func(t *testing.T) {
			url := testenv.URL(t, k)
			var dbs []*store.DB
			for i := range 3 {
				db, err := store.Open(context.Background(), url, "")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if i == 0 {
					if err := db.Migrate(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				dbs = append(dbs, db)
			}
			srv := startMailServer(t)
			const n = 60
			var msgs []notify.Message
			for i := range n {
				msgs = append(msgs, notify.Message{Email: fmt.Sprintf("c%d@example.ro", i), Kind: "account.verify",
					Params: map[string]any{"link": fmt.Sprintf("https://p.ro/v/%d", i)}})
			}
			enqueue(t, dbs[0], msgs...)

			var wg sync.WaitGroup
			sent := make([]int, len(dbs)*2)
			errs := make([]error, len(sent))
			for i := range sent {
				wg.Go(func() {
					d := notify.NewDeliverer(dbs[i%len(dbs)], newMailer(t, notify.SMTPConfig{Addr: srv.Addr}), quiet)
					sent[i], errs[i] = d.RunOnce(context.Background())
				})
			}
			wg.Wait()
			total := 0
			for i := range sent {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				total += sent[i]
			}
			if total != n {
				t.Errorf("deliverers report %d sent, want %d", total, n)
			}
			seen := map[string]int{}
			for _, m := range srv.Accepted() {
				seen[m.To[0]]++
			}
			for _, m := range msgs {
				if seen[m.Email] != 1 {
					t.Errorf("%s got %d messages, want 1", m.Email, seen[m.Email])
				}
			}
			if srv.DataCalls() != n {
				t.Errorf("%d offered, want %d", srv.DataCalls(), n)
			}
		})
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		srv := startMailServer(t)
		d := deliverer(t, db, srv, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx); close(done) }()
		enqueue(t, db, notify.Message{Email: "ana@example.ro", Kind: "account.verify", Params: map[string]any{"link": "https://p.ro/v/1"}})
		d.Wake()
		deadline := time.After(30 * time.Second)
		for len(srv.Accepted()) == 0 {
			select {
			case <-deadline:
				t.Fatal("Run did not deliver")
			case <-time.After(10 * time.Millisecond):
			}
		}
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop")
		}
	})
}

func jsonRoundTrip(t *testing.T, params map[string]any) map[string]any {
	t.Helper()
	data, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeliverAfterAStoppedSender: a deliverer that stopped between claiming a
// message and recording the outcome leaves it claimed; no one sends it while
// the claim lasts, and the next deliverer sends it when the claim ends.
func TestDeliverAfterAStoppedSender(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		srv := startMailServer(t)
		c := newClock()
		enqueue(t, db, notify.Message{Email: "ana@example.ro", Kind: "account.verify", Params: map[string]any{"link": "https://p.ro/v/1"}})
		leaseEnd := c.Now().Add(5 * time.Minute)
		err := db.Tx(context.Background(), func(tx *store.Tx) error {
			_, err := tx.ExecContext(context.Background(), `UPDATE outbox SET attempts = 1, next_attempt_at = $1, last_error = 'sending: outcome not recorded yet'`,
				leaseEnd.UnixMicro())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		d := deliverer(t, db, srv, c)
		c.Add(4 * time.Minute)
		runOnce(t, d, 0)
		c.Add(time.Minute)
		runOnce(t, d, 1)
		if r := outbox(t, db)[0]; r.SentAt == 0 || r.Attempts != 2 || r.LastError != "" {
			t.Errorf("row %+v", r)
		}
	})
}
