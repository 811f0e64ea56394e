package clerk_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/testenv"
)

func citizenWithCNP(t testing.TB, a *app.App, cnp string) *identity.User {
	u, err := identity.CreateUser(context.Background(), a.DB, identity.NewUser{Email: cnp + "@example.ro", Password: "Parola-Lunga-2026!",
		Role: identity.Citizen, Name: "Ion Popescu", CNP: cnp, EmailVerified: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func fiscal(u *identity.User, cnp string) cases.Filing {
	return cases.Filing{Service: "certificat-fiscal", Applicant: u, Fields: map[string]any{
		"name": "Ion Popescu", "email": "ion@example.ro", "cnp": cnp, "purpose": "vânzare apartament"}}
}

// A certificat-fiscal whose CNP is the applicant's verified one and is in the tax roll
// is decided without a person, with the rule, inputs and reason recorded; otherwise
// the case waits for a person, with the reason recorded.
func TestVirtualClerkResolvesTaxCertificates(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		if _, err := sources.Import(ctx, a.DB, "tax-roll", strings.NewReader("identifier,name,address,debt_lei\n"+
			"1920822296090,Ion Popescu,Str. Horea 12,0\n1630615123457,Maria Pop,Str. Memorandumului 28,125.50\n")); err != nil {
			t.Fatal(err)
		}
		clean := citizenWithCNP(t, a, "1920822296090")
		debtor := citizenWithCNP(t, a, "1630615123457")
		unverified := testenv.User(t, a, identity.Citizen, "")

		c1, err := a.Cases.File(ctx, fiscal(clean, "1920822296090"))
		if err != nil {
			t.Fatal(err)
		}
		c2, _ := a.Cases.File(ctx, fiscal(debtor, "1630615123457"))
		c3, _ := a.Cases.File(ctx, fiscal(unverified, "1920822296090")) // someone else's CNP
		c4, _ := a.Cases.File(ctx, fiscal(citizenWithCNP(t, a, "1960101123456"), "1960101123456"))
		if n, err := a.Clerk.RunOnce(ctx); err != nil || n != 4 {
			t.Fatalf("run: %d jobs, %v", n, err)
		}
		want := map[int64]struct {
			status cases.Status
			rule   string
			reason string
		}{
			c1.ID: {cases.Decided, "certificat-fiscal/rol-fiscal", "Nu există obligații de plată restante"},
			c2.ID: {cases.Decided, "certificat-fiscal/rol-fiscal", "125,50 lei"},
			c3.ID: {cases.Registered, "certificat-fiscal/identitate", ""},
			c4.ID: {cases.Registered, "certificat-fiscal/fara-rol", ""},
		}
		for id, w := range want {
			c, err := a.Cases.Get(ctx, identity.VirtualClerk, id)
			if err != nil || c.Status != w.status || !strings.Contains(c.DecisionReason, w.reason) {
				t.Errorf("case %d: %v status %s reason %q; want %s with %q", id, err, c.Status, c.DecisionReason, w.status, w.reason)
			}
			steps, err := clerk.Steps(ctx, a.DB.Read(), id)
			if err != nil || len(steps) != 1 || steps[0].Rule != w.rule || steps[0].Version != 1 || steps[0].Explanation.RO == "" || len(steps[0].Inputs) < 10 {
				t.Errorf("case %d steps: %+v %v", id, steps, err)
			}
		}
		entries, _ := registry.ForCase(ctx, a.DB.Read(), c1.ID)
		if len(entries) != 2 || entries[1].Direction != registry.Outgoing {
			t.Fatalf("the automatic answer is not registered: %+v", entries)
		}
		// The answer is a signed PDF carrying the reply's number.
		docs, err := documents.ForCase(ctx, a.DB.Read(), c1.ID)
		if err != nil || len(docs) != 1 || docs[0].Number != entries[1].Number || docs[0].Code == "" {
			t.Fatalf("issued documents: %+v %v", docs, err)
		}
		pdf, err := documents.PDF(ctx, a.DB.Read(), docs[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := documents.Verify(pdf, a.Clerk.Issuer.Signer.Certificate()); err != nil {
			t.Fatalf("the issued PDF does not verify: %v", err)
		}
		if docs3, _ := documents.ForCase(ctx, a.DB.Read(), c3.ID); len(docs3) != 0 {
			t.Fatal("an escalated case got a document")
		}
		// Jobs are done; running again takes nothing.
		if n, err := a.Clerk.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("second run: %d %v", n, err)
		}
		// A petition that is not another institution's goes to a person, with the
		// reason recorded, and nothing decided (routing_test.go has the rest).
		p, _ := a.Cases.File(ctx, cases.Filing{Service: "petitie", Applicant: clean, Fields: map[string]any{"name": "Ion", "email": "ion@example.ro", "message": "x"}})
		a.Clerk.RunOnce(ctx)
		if steps, _ := clerk.Steps(ctx, a.DB.Read(), p.ID); len(steps) != 1 || steps[0].Outcome != "escalate" {
			t.Fatalf("a petition's automated steps: %+v", steps)
		}
	})
}

// A person reviews an automated decision and reverses it: the case goes back to
// processing, the issued document is revoked, and both are recorded.
func TestReviewAndReverseAnAutomatedDecision(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		sources.Import(ctx, a.DB, "tax-roll", strings.NewReader("identifier,name,address,debt_lei\n1920822296090,Ion Popescu,Str. Horea 12,0\n"))
		u := citizenWithCNP(t, a, "1920822296090")
		c, err := a.Cases.File(ctx, fiscal(u, "1920822296090"))
		if err != nil {
			t.Fatal(err)
		}
		a.Clerk.RunOnce(ctx)
		steps, _ := clerk.Steps(ctx, a.DB.Read(), c.ID)
		if len(steps) != 1 {
			t.Fatalf("steps: %+v", steps)
		}
		head := testenv.User(t, a, identity.Head, c.Department)
		stranger := testenv.User(t, a, identity.Head, "urbanism")
		if err := a.Clerk.Review(ctx, stranger, c.ID, steps[0].ID, true, "Greșit."); err == nil {
			t.Fatal("staff of another department reviewed the step")
		}
		if err := a.Clerk.Review(ctx, head, c.ID, steps[0].ID, true, " "); !errors.Is(err, cases.ErrReasonRequired) {
			t.Fatalf("review without a note: %v", err)
		}
		if err := a.Clerk.Review(ctx, head, c.ID, steps[0].ID, true, "Contribuabilul are o amendă neînregistrată încă în rol."); err != nil {
			t.Fatal(err)
		}
		got, _ := a.Cases.Get(ctx, head, c.ID)
		if got.Status != cases.InProgress || got.Outcome != "" {
			t.Fatalf("after reversal: %+v", got)
		}
		docs, _ := documents.ForCase(ctx, a.DB.Read(), c.ID)
		if len(docs) != 1 || docs[0].RevokedAt.IsZero() {
			t.Fatalf("the document was not revoked: %+v", docs)
		}
		steps, _ = clerk.Steps(ctx, a.DB.Read(), c.ID)
		if steps[0].ReviewedBy != head.ID || steps[0].ReviewNote == "" {
			t.Fatalf("the review is not recorded: %+v", steps[0])
		}
		if err := a.Clerk.Review(ctx, head, c.ID, steps[0].ID, false, "din nou"); !errors.Is(err, clerk.ErrAlreadyReviewed) {
			t.Fatalf("second review: %v", err)
		}
		events, _ := cases.Timeline(ctx, a.DB.Read(), c.ID)
		if events[len(events)-1].Kind != "reopened" {
			t.Fatalf("timeline: %+v", events[len(events)-1])
		}
		// The person decides again; the job does not touch the case any more.
		if _, err := a.Cases.Decide(ctx, head, c.ID, cases.Rejected, "Există o amendă de 200 lei."); err != nil {
			t.Fatal(err)
		}
	})
}
