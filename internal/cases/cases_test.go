package cases_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

var bucharest, _ = time.LoadLocation("Europe/Bucharest")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, bucharest)
	if err != nil {
		panic(err)
	}
	return t
}

func petition(u *identity.User) cases.Filing {
	return cases.Filing{Service: "petitie", Applicant: u, Fields: map[string]any{
		"name": "Ion Popescu", "email": "ion@example.ro", "message": "Vă rog să reparați iluminatul."}}
}

// checkInvariants ends store tests with checks over the whole database.
func checkInvariants(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	problems, err := registry.Verify(ctx, a.DB.Read())
	if err != nil || len(problems) > 0 {
		t.Fatalf("registry verify: %v %v", problems, err)
	}
	if _, broken, err := audit.Verify(ctx, a.DB); err != nil || broken != nil {
		t.Fatalf("audit verify: %v %v", broken, err)
	}
}

func TestFileNumbersAndDeadline(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		citizen := testenv.User(t, a, identity.Citizen, "")
		a.Cases.SetClock(func() time.Time { return at("2025-11-28 10:00") })

		// Invalid input stores nothing and uses no number.
		bad := petition(citizen)
		bad.Fields["cnp"] = "1920822296091"
		bad.Fields["email"] = "not-an-address"
		_, err := a.Cases.File(ctx, bad)
		var invalid *cases.InvalidInput
		if !errors.As(err, &invalid) {
			t.Fatalf("bad CNP: got %v, want InvalidInput", err)
		}
		fields := map[string]bool{}
		for _, fe := range invalid.Errors {
			fields[fe.Field] = true
		}
		if !fields["cnp"] || !fields["email"] {
			t.Fatalf("errors %+v should name cnp and email", invalid.Errors)
		}
		if _, err := a.Cases.File(ctx, cases.Filing{Service: "nu-exista", Applicant: citizen}); !errors.Is(err, cases.ErrUnknownService) {
			t.Fatalf("unknown service: %v", err)
		}

		c, err := a.Cases.File(ctx, petition(citizen))
		if err != nil {
			t.Fatal(err)
		}
		dept, _ := a.Catalog.Department(c.Department)
		if want := "1/" + dept.Compartment + "/28.11.2025"; c.Number != want {
			t.Fatalf("number %q, want %q", c.Number, want)
		}
		if got := calendar.FormatDate(c.LegalDeadline); got != "2025-12-29" {
			t.Fatalf("deadline %s, want 2025-12-29 (30 zile libere from 28.11.2025)", got)
		}
		if c.Status != cases.Registered {
			t.Fatalf("status %s", c.Status)
		}

		// Working-day terms: certificat-fiscal is 2 working days.
		a.Cases.SetClock(func() time.Time { return at("2025-12-24 09:00") })
		cf, err := a.Cases.File(ctx, cases.Filing{Service: "certificat-fiscal", Applicant: citizen, Fields: map[string]any{
			"name": "Ion Popescu", "email": "ion@example.ro", "cnp": "1920822296090", "purpose": "notar"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := calendar.FormatDate(cf.LegalDeadline); got != "2025-12-30" {
			t.Fatalf("certificat-fiscal deadline %s, want 2025-12-30 (skips 25–26 Dec and the weekend)", got)
		}
		if !strings.HasPrefix(cf.Number, "2/") {
			t.Fatalf("second number of 2025: %s", cf.Number)
		}

		// A new year starts again at 1 (Bucharest midnight, not UTC).
		a.Cases.SetClock(func() time.Time { return at("2026-01-01 00:30") })
		ny, err := a.Cases.File(ctx, petition(citizen))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(ny.Number, "1/") || !strings.HasSuffix(ny.Number, "/01.01.2026") {
			t.Fatalf("first number of 2026: %s", ny.Number)
		}
		checkInvariants(t, a)
	})
}

func TestLifecycle(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		citizen := testenv.User(t, a, identity.Citizen, "")
		other := testenv.User(t, a, identity.Citizen, "")
		svc, _ := a.Catalog.Service("petitie")
		head := testenv.User(t, a, identity.Head, svc.Department)
		worker := testenv.User(t, a, identity.Worker, svc.Department)
		stranger := testenv.User(t, a, identity.Worker, "taxe-locale")
		now := at("2026-03-13 11:00")
		a.Cases.SetClock(func() time.Time { return now })

		c, err := a.Cases.File(ctx, petition(citizen))
		if err != nil {
			t.Fatal(err)
		}
		if calendar.FormatDate(c.LegalDeadline) != "2026-04-14" {
			t.Fatalf("deadline %s, want 2026-04-14", calendar.FormatDate(c.LegalDeadline))
		}

		// Wrong users see nothing and can do nothing.
		for _, u := range []*identity.User{other, stranger} {
			if _, err := a.Cases.Get(ctx, u, c.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s read another's case: %v", u.Email, err)
			}
		}
		if _, err := a.Cases.Assign(ctx, stranger, c.ID, 0, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other department assigned: %v", err)
		}
		if _, err := a.Cases.Decide(ctx, citizen, c.ID, cases.Approved, "x"); !errors.Is(err, cases.ErrNotAllowed) {
			t.Fatalf("citizen decided: %v", err)
		}
		if _, err := a.Cases.Assign(ctx, worker, c.ID, head.ID, ""); !errors.Is(err, cases.ErrNotAllowed) {
			t.Fatalf("worker assigned someone else: %v", err)
		}
		if _, err := a.Cases.Assign(ctx, head, c.ID, stranger.ID, ""); !errors.Is(err, cases.ErrInvalidAssignee) {
			t.Fatalf("assigned outside the department: %v", err)
		}

		if c, err = a.Cases.Assign(ctx, head, c.ID, worker.ID, "repartizare"); err != nil || c.Status != cases.Assigned || c.AssigneeID != worker.ID {
			t.Fatalf("assign: %v %+v", err, c)
		}
		// Staff reads are audited with the legal basis.
		if _, err := a.Cases.Get(ctx, worker, c.ID); err != nil {
			t.Fatal(err)
		}
		recs, _ := audit.ForCase(ctx, a.DB.Read(), c.ID)
		viewed := false
		for _, r := range recs {
			viewed = viewed || (r.Action == "case.view" && r.ActorID == worker.ID && r.LegalBasis == svc.LegalBasis)
		}
		if !viewed {
			t.Fatalf("the worker's read was not audited: %+v", recs)
		}

		if _, err := a.Cases.RequestInfo(ctx, worker, c.ID, "  "); !errors.Is(err, cases.ErrReasonRequired) {
			t.Fatalf("request info without text: %v", err)
		}
		c, err = a.Cases.RequestInfo(ctx, worker, c.ID, "Indicați adresa exactă.")
		if err != nil || c.Status != cases.InfoRequested || c.PausedOn.IsZero() {
			t.Fatalf("request info: %v %+v", err, c)
		}
		if _, err := a.Cases.Respond(ctx, other, c.ID, "eu", nil); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another citizen answered: %v", err)
		}
		// The applicant answers 10 days later: the clock was stopped 10 days.
		now = at("2026-03-23 09:00")
		c, err = a.Cases.Respond(ctx, citizen, c.ID, "Strada Memorandumului 28.", nil)
		if err != nil || c.Status != cases.InProgress || c.PausedDays != 10 {
			t.Fatalf("respond: %v %+v", err, c)
		}
		// 13.03 + 30 + 1 = 13.04 (Easter Monday, rolled to 14.04); stopped 10 days: 23.04.
		if got := calendar.FormatDate(c.LegalDeadline); got != "2026-04-23" {
			t.Fatalf("deadline after a 10-day pause %s, want 2026-04-23", got)
		}

		if _, err := a.Cases.Extend(ctx, worker, c.ID, 16, "complex"); err == nil {
			t.Fatal("extended beyond 15 days")
		}
		if _, err := a.Cases.Extend(ctx, worker, c.ID, 5, ""); !errors.Is(err, cases.ErrReasonRequired) {
			t.Fatalf("extension without reason: %v", err)
		}
		c, err = a.Cases.Extend(ctx, worker, c.ID, 10, "Verificare pe teren.")
		if err != nil || c.ExtendedDays != 10 || calendar.FormatDate(c.LegalDeadline) != "2026-05-04" {
			t.Fatalf("extend: %v %+v", err, c)
		}
		var exceeded *cases.ExtensionExceeded
		if _, err := a.Cases.Extend(ctx, worker, c.ID, 6, "încă"); !errors.As(err, &exceeded) || exceeded.Max != 5 {
			t.Fatalf("second extension past the limit: %v", err)
		}

		if _, err := a.Cases.Decide(ctx, worker, c.ID, "maybe", "x"); !errors.Is(err, cases.ErrInvalidOutcome) {
			t.Fatalf("bad outcome: %v", err)
		}
		c, err = a.Cases.Decide(ctx, worker, c.ID, cases.Approved, "Lucrarea a fost programată.")
		if err != nil || c.Status != cases.Decided || c.Outcome != cases.Approved {
			t.Fatalf("decide: %v %+v", err, c)
		}
		entries, _ := registry.ForCase(ctx, a.DB.Read(), c.ID)
		if len(entries) != 2 || entries[1].Direction != registry.Outgoing || entries[1].ReplyTo != entries[0].ID {
			t.Fatalf("registry entries: %+v", entries)
		}
		if _, err := a.Cases.Withdraw(ctx, citizen, c.ID, ""); !errors.Is(err, cases.ErrInvalidTransition) {
			t.Fatalf("withdrew a decided case: %v", err)
		}
		if c, err = a.Cases.Close(ctx, head, c.ID, ""); err != nil || c.Status != cases.Closed {
			t.Fatalf("close: %v", err)
		}
		events, _ := cases.Timeline(ctx, a.DB.Read(), c.ID)
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Kind)
		}
		if got := strings.Join(kinds, ","); got != "filed,assigned,info_requested,info_answered,extended,decided,closed" {
			t.Fatalf("timeline %s", got)
		}

		// Withdrawal by the applicant.
		w, _ := a.Cases.File(ctx, petition(citizen))
		if _, err := a.Cases.Withdraw(ctx, other, w.ID, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another citizen withdrew: %v", err)
		}
		if w, err = a.Cases.Withdraw(ctx, citizen, w.ID, "Rezolvat."); err != nil || w.Status != cases.Withdrawn {
			t.Fatalf("withdraw: %v", err)
		}
		checkInvariants(t, a)
	})
}

func TestQueueAndOverdue(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		citizen := testenv.User(t, a, identity.Citizen, "")
		svc, _ := a.Catalog.Service("petitie")
		worker := testenv.User(t, a, identity.Worker, svc.Department)
		stranger := testenv.User(t, a, identity.Worker, "taxe-locale")
		day := at("2026-01-05 10:00")
		for i := 0; i < 25; i++ {
			a.Cases.SetClock(func() time.Time { return day.AddDate(0, 0, i) })
			if _, err := a.Cases.File(ctx, petition(citizen)); err != nil {
				t.Fatal(err)
			}
		}
		// Ten more on one day: pages must continue inside a day without loss or repeat.
		for i := 0; i < 10; i++ {
			a.Cases.SetClock(func() time.Time { return day.AddDate(0, 0, 3) })
			if _, err := a.Cases.File(ctx, petition(citizen)); err != nil {
				t.Fatal(err)
			}
		}
		a.Cases.SetClock(func() time.Time { return at("2026-02-20 10:00") })
		var seen []int64
		distinct := map[int64]bool{}
		cursor := ""
		last := ""
		for {
			p, err := a.Cases.Queue(ctx, worker, cases.QueueFilter{Cursor: cursor, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Cases {
				d := calendar.FormatDate(c.LegalDeadline)
				if d < last {
					t.Fatalf("queue not sorted by deadline: %s after %s", d, last)
				}
				last = d
				seen = append(seen, c.ID)
				distinct[c.ID] = true
			}
			if p.Next == "" {
				break
			}
			cursor = p.Next
		}
		if len(seen) != 35 || len(distinct) != 35 {
			t.Fatalf("paged through %d cases (%d distinct), want 35", len(seen), len(distinct))
		}
		p, err := a.Cases.Queue(ctx, worker, cases.QueueFilter{Overdue: true, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Cases {
			if !c.Overdue(a.Cases.Today()) {
				t.Fatalf("not overdue: %+v", c)
			}
		}
		if len(p.Cases) == 0 || len(p.Cases) == 35 {
			t.Fatalf("overdue filter returned %d of 35", len(p.Cases))
		}
		if _, err := a.Cases.Queue(ctx, stranger, cases.QueueFilter{Department: svc.Department}); !errors.Is(err, cases.ErrNotAllowed) {
			t.Fatalf("other department listed the queue: %v", err)
		}
		if p, _ := a.Cases.Queue(ctx, stranger, cases.QueueFilter{}); len(p.Cases) != 0 {
			t.Fatalf("other department sees %d cases", len(p.Cases))
		}
		if _, err := a.Cases.Queue(ctx, worker, cases.QueueFilter{Cursor: "garbage!"}); !errors.Is(err, cases.ErrBadCursor) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

// Concurrent filings through the domain: numbers 1..N, no gap, no duplicate.
func TestConcurrentFilingNumbers(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		citizen := testenv.User(t, a, identity.Citizen, "")
		const clients, total = 32, 416
		var mu sync.Mutex
		seqs := map[string]bool{}
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < total/clients; i++ {
					cs, err := a.Cases.File(ctx, petition(citizen))
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					seqs[strings.SplitN(cs.Number, "/", 2)[0]] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for i := 1; i <= total; i++ {
			if !seqs[fmt.Sprint(i)] {
				t.Fatalf("number %d missing", i)
			}
		}
		if len(seqs) != total {
			t.Fatalf("%d distinct numbers, want %d", len(seqs), total)
		}
		checkInvariants(t, a)
	})
}
