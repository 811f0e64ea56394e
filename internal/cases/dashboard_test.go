package cases_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/testenv"
)

// TestDashboard counts a department's cases on a fixed day: open (with those waiting
// for the applicant), overdue, due soon, decided in the window and the median time
// to a decision, overall and by service; staff see only their department.
func TestDashboard(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		citizen := testenv.User(t, a, identity.Citizen, "")
		worker := testenv.User(t, a, identity.Worker, "relatii-cetateni")
		admin := testenv.User(t, a, identity.Admin, "")
		stranger := testenv.User(t, a, identity.Worker, "urbanism")
		t0 := at("2026-03-04 10:00") // a Wednesday
		day := 24 * time.Hour
		fileAt := func(when time.Time, f cases.Filing) *cases.Case {
			t.Helper()
			a.Cases.SetClock(func() time.Time { return when })
			c, err := a.Cases.File(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// decideAfter decides c and dates the decision d after its registration (the
		// domain stamps decisions with the real clock).
		decideAfter := func(c *cases.Case, d time.Duration) {
			t.Helper()
			if _, err := a.Cases.Decide(ctx, admin, c.ID, cases.Approved, "Rezolvat."); err != nil {
				t.Fatal(err)
			}
			if _, err := a.DB.Write().ExecContext(ctx, `UPDATE cases SET decided_at = $1 WHERE id = $2`, c.RegisteredAt.Add(d).UnixMicro(), c.ID); err != nil {
				t.Fatal(err)
			}
		}
		info := func() cases.Filing {
			return cases.Filing{Service: "informatii-publice", Applicant: citizen, Fields: map[string]any{"name": "Ion Popescu",
				"email": "ion@example.ro", "information": "Bugetul pe 2025.", "answer_format": "electronic"}}
		}

		decideAfter(fileAt(t0.Add(-2*day), petition(citizen)), 2*day)
		decideAfter(fileAt(t0.Add(-4*day), petition(citizen)), 4*day)
		decideAfter(fileAt(t0.Add(-10*day), petition(citizen)), 10*day)
		decideAfter(fileAt(t0.Add(-50*day), petition(citizen)), 10*day) // decided before the window
		overdue := fileAt(t0.Add(-60*day), petition(citizen))
		soon := fileAt(t0.Add(-29*day), petition(citizen))
		waiting := fileAt(t0, petition(citizen))
		fresh := fileAt(t0.Add(-1*day), petition(citizen))
		decideAfter(fileAt(t0.Add(-1*day), info()), day) // another department
		fileAt(t0, info())

		a.Cases.SetClock(func() time.Time { return t0 })
		if _, err := a.Cases.RequestInfo(ctx, worker, waiting.ID, "Ce stâlp?"); err != nil {
			t.Fatal(err)
		}
		today := a.Cases.Today()
		for _, tc := range []struct {
			c    *cases.Case
			soon bool
		}{{overdue, false}, {soon, true}, {fresh, false}} {
			got, err := a.Cases.Get(ctx, admin, tc.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if a.Cases.DueSoon(got, today) != tc.soon {
				t.Fatalf("case due %s: DueSoon = %v, want %v", got.LegalDeadline.Format("2006-01-02"), !tc.soon, tc.soon)
			}
		}

		d, err := a.Cases.Dashboard(ctx, worker, "")
		if err != nil {
			t.Fatal(err)
		}
		want := cases.ServiceStats{Open: 4, Waiting: 1, Overdue: 1, DueSoon: 1, Decided: 3, MedianDays: 4}
		if d.Department != "relatii-cetateni" || len(d.Services) != 1 || d.Services[0].Service != "petitie" {
			t.Fatalf("department %q services %+v", d.Department, d.Services)
		}
		checkStats(t, "department total", d.Total, want)
		want.Service = "petitie"
		checkStats(t, "petitie", d.Services[0], want)

		// Admins see every department, or the one they choose.
		all, err := a.Cases.Dashboard(ctx, admin, "")
		if err != nil {
			t.Fatal(err)
		}
		checkStats(t, "all departments", all.Total, cases.ServiceStats{Open: 5, Waiting: 1, Overdue: 1, DueSoon: 1, Decided: 4, MedianDays: 3})
		if len(all.Services) != 2 {
			t.Fatalf("services of all departments: %+v", all.Services)
		}
		media, err := a.Cases.Dashboard(ctx, admin, "mass-media")
		if err != nil {
			t.Fatal(err)
		}
		checkStats(t, "mass-media", media.Total, cases.ServiceStats{Open: 1, Decided: 1, MedianDays: 1})

		// Staff see only their own department; citizens nothing.
		if _, err := a.Cases.Dashboard(ctx, worker, "mass-media"); !errors.Is(err, cases.ErrNotAllowed) {
			t.Fatalf("worker asks for another department: %v", err)
		}
		if _, err := a.Cases.Dashboard(ctx, citizen, ""); !errors.Is(err, cases.ErrNotAllowed) {
			t.Fatalf("citizen: %v", err)
		}
		own, err := a.Cases.Dashboard(ctx, stranger, "")
		if err != nil || own.Total.Open != 0 || own.Total.Decided != 0 || len(own.Services) != 0 {
			t.Fatalf("another department's dashboard: %+v %v", own, err)
		}
		checkInvariants(t, a)
	})
}

func checkStats(t *testing.T, what string, got, want cases.ServiceStats) {
	t.Helper()
	median := got.MedianDays
	got.MedianDays, want.MedianDays = math.Round(got.MedianDays*1000)/1000, math.Round(want.MedianDays*1000)/1000
	if got != want {
		t.Fatalf("%s: got %+v (median %v), want %+v", what, got, median, want)
	}
}
