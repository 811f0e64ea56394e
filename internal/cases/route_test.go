package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// A case moved to another service keeps its number and registration day; its
// deadline is the new service's term from that day (an old extension does not
// carry over), it leaves its assignee and lands unassigned in the new department.
func TestRerouteRecomputesTheDeadlineFromRegistration(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		a.Cases.SetClock(func() time.Time { return at("2025-11-26 10:00") })
		citizen := testenv.User(t, a, identity.Citizen, "")
		c, err := a.Cases.File(ctx, petition(citizen))
		if err != nil {
			t.Fatal(err)
		}
		worker := testenv.User(t, a, identity.Worker, c.Department)
		if _, err := a.Cases.Assign(ctx, worker, c.ID, 0, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.Extend(ctx, worker, c.ID, 10, "Verificăm la fața locului."); err != nil {
			t.Fatal(err)
		}
		a.Cases.SetClock(func() time.Time { return at("2025-12-03 09:00") }) // a week later
		moved, err := a.Cases.Reroute(ctx, worker, c.ID, "certificat-fiscal", "Cererea privește un certificat fiscal.")
		if err != nil {
			t.Fatal(err)
		}
		svc, _ := a.Catalog.Service("certificat-fiscal")
		want := a.Calendar.Deadline(calendar.Civil(at("2025-11-26 10:00")), svc.LegalTerm)
		if moved.Number != c.Number || !moved.RegisteredOn.Equal(c.RegisteredOn) || !moved.LegalDeadline.Equal(want) || moved.ExtendedDays != 0 ||
			moved.AssigneeID != 0 || moved.Status != cases.Registered || moved.Department != svc.Department || !svc.LegalTerm.Working || !moved.Term.Working {
			t.Fatalf("moved: %+v, want deadline %s", moved, calendar.FormatDate(want))
		}
		stored, _ := a.Cases.Get(ctx, identity.VirtualClerk, c.ID)
		if stored.Service != "certificat-fiscal" || !stored.LegalDeadline.Equal(want) || stored.Term != svc.LegalTerm {
			t.Fatalf("stored: %+v", stored)
		}
		moves, err := cases.Reroutes(ctx, a.DB.Read(), c.ID)
		if err != nil || len(moves) != 1 || moves[0].FromService != "petitie" || moves[0].ToDepartment != "taxe-locale" || moves[0].ActorID != worker.ID {
			t.Fatalf("moves: %+v %v", moves, err)
		}
		events, _ := cases.Timeline(ctx, a.DB.Read(), c.ID)
		if e := events[len(events)-1]; e.Kind != "rerouted" || e.Data["dropped_extension_days"] != float64(10) {
			t.Fatalf("event: %+v", e)
		}
		// The worker of the old department has lost it; the new one can decide it.
		if _, err := a.Cases.Decide(ctx, worker, c.ID, cases.Approved, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("old department decided: %v", err)
		}
		taxes := testenv.User(t, a, identity.Worker, "taxe-locale")
		if _, err := a.Cases.Decide(ctx, taxes, c.ID, cases.Approved, "Nu există datorii."); err != nil {
			t.Fatal(err)
		}
		// A decided case is not moved.
		if _, err := a.Cases.Reroute(ctx, taxes, c.ID, "petitie", "Înapoi."); !errors.Is(err, cases.ErrInvalidTransition) {
			t.Fatalf("decided case moved: %v", err)
		}
		checkInvariants(t, a)
	})
}

// Forward closes an open petition with the outcome forwarded, registers the
// outgoing letter to the institution and tells the applicant; the forwarding term
// is 5 days from registration, ending on a working day; a case waiting for the
// applicant, or not open, is not forwarded.
func TestForwardClosesThePetition(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		// Wednesday 26 November 2025: the fifth day after is Monday 1 December, a
		// public holiday; the term ends on Tuesday 2 December.
		a.Cases.SetClock(func() time.Time { return at("2025-11-26 10:00") })
		citizen := testenv.User(t, a, identity.Citizen, "")
		c, err := a.Cases.File(ctx, petition(citizen))
		if err != nil {
			t.Fatal(err)
		}
		if got := calendar.FormatDate(a.Cases.ForwardBy(c)); got != "2025-12-02" {
			t.Fatalf("forward by %s", got)
		}
		worker := testenv.User(t, a, identity.Worker, c.Department)
		waiting, _ := a.Cases.File(ctx, petition(citizen))
		if _, err := a.Cases.RequestInfo(ctx, worker, waiting.ID, "Precizați strada."); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.Forward(ctx, worker, waiting.ID, "itm-cluj", "Motiv"); !errors.Is(err, cases.ErrInvalidTransition) {
			t.Fatalf("forwarded while waiting for the applicant: %v", err)
		}
		if _, err := a.Cases.Forward(ctx, citizen, c.ID, "itm-cluj", "Motiv"); !errors.Is(err, cases.ErrNotAllowed) {
			t.Fatalf("citizen forwarded: %v", err)
		}
		got, err := a.Cases.Forward(ctx, worker, c.ID, "itm-cluj", "Salariu neplătit.")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != cases.Closed || got.Outcome != cases.Forwarded || got.DecidedAt.IsZero() || got.ClosedAt.IsZero() ||
			!strings.Contains(got.DecisionReason, "art. 6¹") || !strings.Contains(got.DecisionReason, "Inspectoratul Teritorial de Muncă Cluj") {
			t.Fatalf("forwarded: %+v", got)
		}
		entries, _ := registry.ForCase(ctx, a.DB.Read(), c.ID)
		fw, err := cases.ForwardingOf(ctx, a.DB.Read(), c.ID)
		if err != nil || len(entries) != 2 || entries[1].ID != fw.EntryID || entries[1].Correspondent != "Inspectoratul Teritorial de Muncă Cluj" ||
			!strings.Contains(got.DecisionReason, entries[1].Number) {
			t.Fatalf("letter: %+v %+v %v", entries, fw, err)
		}
		msgs, _ := notify.ForCase(ctx, a.DB.Read(), c.ID)
		if last := msgs[len(msgs)-1]; last.Kind != "case.forwarded" || last.Params["contact"] == "" || last.Params["institution"] != "Inspectoratul Teritorial de Muncă Cluj" {
			t.Fatalf("message: %+v", last)
		}
		if _, err := a.Cases.Forward(ctx, worker, c.ID, "itm-cluj", "Din nou."); !errors.Is(err, cases.ErrInvalidTransition) {
			t.Fatalf("forwarded twice: %v", err)
		}
		if _, err := cases.ForwardingOf(ctx, a.DB.Read(), waiting.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("forwarding of a case not forwarded: %v", err)
		}
		checkInvariants(t, a)
	})
}
