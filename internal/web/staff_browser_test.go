package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/testenv"
)

// TestStaffJourneyInBrowser: a worker opens the queue, opens a case, asks the
// applicant for more (the clock stops), the applicant answers, the worker decides
// with a reason and the reply is registered with a number linked to the request.
// Every step is screenshot.
func TestStaffJourneyInBrowser(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	ctx := context.Background()
	citizen := testenv.User(t, a, identity.Citizen, "")
	worker := testenv.User(t, a, identity.Worker, "relatii-cetateni")
	c, err := a.Cases.File(ctx, petitionFiling(citizen))
	if err != nil {
		t.Fatal(err)
	}

	b := testenv.NewBrowser(t)
	browserSignIn(t, b, base, worker)
	p := b.Page(t)
	p.Go(base + "/admin/cazuri")
	wantStatus(t, p, 200)
	if !strings.Contains(p.HTML(), c.Number) {
		t.Fatalf("the queue does not list %s", c.Number)
	}
	p.Screenshot("queue")
	p.Click(fmt.Sprintf(`main a[href="/admin/cazuri/%d"]`, c.ID))
	wantStatus(t, p, 200)
	if !strings.Contains(p.Text("h1"), c.Number) {
		t.Fatalf("case page heading %q", p.Text("h1"))
	}
	p.Screenshot("case")

	// Asking without a text is refused with an error summary; then it goes through.
	p.Click("#f-info-submit")
	wantStatus(t, p, 422)
	if !strings.Contains(p.HTML(), `href="#f-info-message"`) {
		t.Fatal("no error summary link to the message field")
	}
	p.Screenshot("request-info-empty")
	p.Fill("#f-info-message", "Vă rugăm să precizați numărul casei.")
	p.Click("#f-info-submit")
	wantStatus(t, p, 200)
	got, err := a.Cases.Get(ctx, citizen, c.ID)
	if err != nil || got.Status != cases.InfoRequested || got.PausedOn.IsZero() {
		t.Fatalf("after requesting information: %v %+v", err, got)
	}
	p.Screenshot("info-requested")

	// The applicant answers (as in the citizen journey), and the worker decides.
	if _, err := a.Cases.Respond(ctx, citizen, c.ID, "Strada Horea 12.", nil); err != nil {
		t.Fatal(err)
	}
	p.Go(fmt.Sprintf("%s/admin/cazuri/%d", base, c.ID))
	p.Screenshot("answered")
	p.Check("#f-decide-outcome")
	p.Fill("#f-decide-reason", "Lucrarea a fost programată pentru luna viitoare.")
	p.Click("#f-decide-submit")
	wantStatus(t, p, 200)
	entries, err := registry.ForCase(ctx, a.DB.Read(), c.ID)
	if err != nil || len(entries) != 2 || entries[1].Direction != registry.Outgoing || entries[1].ReplyTo != entries[0].ID {
		t.Fatalf("the reply is not registered and linked: %v %+v", err, entries)
	}
	if !strings.Contains(p.HTML(), entries[1].Number) {
		t.Fatalf("the page does not show the reply's number %s", entries[1].Number)
	}
	p.Screenshot("decided-reply-registered")
	p.CheckAxe()
}
