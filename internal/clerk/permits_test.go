package clerk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/testenv"
)

// Notices of start and end of works are checked against the register of issued
// permits: the holder's own valid permit is acknowledged with a signed answer; an
// unknown permit is asked about once and then left to a person; another holder's or
// an expired permit goes to a person; a missing acceptance report is asked for, and
// the answer that brings it gets the acknowledgement.
func TestVirtualClerkWorksNotices(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		today := calendar.Civil(time.Now())
		day := func(days int) string { return calendar.FormatDate(today.AddDate(0, 0, days)) }
		roll := "permit_number,issued_on,holder_identifier,holder_name,address,works,valid_until\n" +
			fmt.Sprintf("567,%s,1920822296090,Ion Popescu,\"Str. Horea 12, Cluj-Napoca\",Extindere locuință,%s\n", day(-30), day(335)) +
			fmt.Sprintf("88,%s,1920822296090,Ion Popescu,\"Str. Horea 12, Cluj-Napoca\",Împrejmuire,%s\n", day(-350), day(10)) +
			fmt.Sprintf("120,%s,2850317125781,Maria Ionescu,\"Calea Dorobanților 45\",Reabilitare termică,%s\n", day(-400), day(-35)) +
			fmt.Sprintf("120,%s,18547290,SC Exemplu Construct SRL,Bd. Eroilor 1,Modernizare fațadă,%s\n", day(-20), day(345))
		if _, err := sources.Import(ctx, a.DB, "building-permits", strings.NewReader(roll)); err != nil {
			t.Fatal(err)
		}
		ion := citizenWithCNP(t, a, "1920822296090")
		start := func(permit, startDate string) int64 {
			t.Helper()
			c, err := a.Cases.File(ctx, cases.Filing{Service: "comunicare-incepere-lucrari", Applicant: ion, Fields: map[string]any{
				"name": "Ion Popescu", "email": "ion@example.ro", "permit_number": permit, "property_address": "Str. Horea 12", "start_date": startDate}})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		ok := start("nr. 567 din "+today.AddDate(0, 0, -30).Format("02.01.2006"), day(7))
		unknown := start("999", day(7))
		ambiguous := start("120", day(7))
		expired := start("88", day(30))
		other := start(fmt.Sprintf("120/%s", today.AddDate(0, 0, -20).Format("02.01.2006")), day(7))
		end, err := a.Cases.File(ctx, cases.Filing{Service: "comunicare-incheiere-lucrari", Applicant: ion, Fields: map[string]any{
			"name": "Ion Popescu", "email": "ion@example.ro", "permit_number": "567", "property_address": "Str. Horea 12",
			"completion_date": day(0), "final_value": "185000"}})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := a.Clerk.RunOnce(ctx); err != nil || n != 6 {
			t.Fatalf("run: %d %v", n, err)
		}
		expect := func(id int64, status cases.Status, rule string) {
			t.Helper()
			c, err := a.Cases.Get(ctx, identity.VirtualClerk, id)
			if err != nil || c.Status != status {
				t.Fatalf("case %d: status %v (%v), want %s", id, c.Status, err, status)
			}
			steps, _ := clerk.Steps(ctx, a.DB.Read(), id)
			if len(steps) == 0 || steps[len(steps)-1].Rule != rule {
				t.Fatalf("case %d: steps %+v, want the last by %s", id, steps, rule)
			}
		}
		expect(ok, cases.Decided, "incepere-lucrari/inregistrata")
		expect(unknown, cases.InfoRequested, "incepere-lucrari/autorizatie-neclara")
		expect(ambiguous, cases.InfoRequested, "incepere-lucrari/autorizatie-neclara")
		expect(expired, cases.Registered, "incepere-lucrari/autorizatie-expirata")
		expect(other, cases.Registered, "incepere-lucrari/alt-titular")
		expect(end.ID, cases.InfoRequested, "incheiere-lucrari/proces-verbal-lipsa")

		docs, err := documents.ForCase(ctx, a.DB.Read(), ok)
		if err != nil || len(docs) != 1 {
			t.Fatalf("acknowledgement: %v %v", docs, err)
		}
		if docs, _ := documents.ForCase(ctx, a.DB.Read(), expired); len(docs) != 0 {
			t.Fatal("a document was issued for a case left to a person")
		}
		c, _ := a.Cases.Get(ctx, identity.VirtualClerk, ok)
		if !strings.Contains(c.DecisionReason, "nr. 567") || !strings.Contains(c.DecisionReason, "Str. Horea 12") {
			t.Fatalf("decision reason: %q", c.DecisionReason)
		}

		// The applicant answers: the unknown permit is not found again, so a person
		// takes it (no second question); the report brings the acknowledgement.
		if _, err := a.Cases.Respond(ctx, ion, unknown, "Numărul corect este 999 din 2026.", nil); err != nil {
			t.Fatal(err)
		}
		report := cases.File{Field: "answer", Name: "proces-verbal.pdf", Data: []byte("%PDF-1.4\n% proces-verbal de receptie\n%%EOF\n")}
		if _, err := a.Cases.Respond(ctx, ion, end.ID, "Atașez procesul-verbal.", []cases.File{report}); err != nil {
			t.Fatal(err)
		}
		if n, err := a.Clerk.RunOnce(ctx); err != nil || n != 2 {
			t.Fatalf("second run: %d %v", n, err)
		}
		expect(unknown, cases.InProgress, "incepere-lucrari/autorizatie-negasita")
		expect(end.ID, cases.Decided, "incheiere-lucrari/inregistrata")
		if docs, _ := documents.ForCase(ctx, a.DB.Read(), end.ID); len(docs) != 1 {
			t.Fatalf("completion acknowledgement: %v", docs)
		}
		if n, _ := a.Clerk.RunOnce(ctx); n != 0 {
			t.Fatalf("%d jobs ran again with nothing new", n)
		}
	})
}

func TestPermitReferences(t *testing.T) {
	for _, c := range []struct{ in, number, date string }{
		{"567", "567", ""},
		{"567/10.04.2026", "567", "2026-04-10"},
		{"nr. 567 din 10.04.2026", "567", "2026-04-10"},
		{"AC 567 din 2026-04-10", "567", "2026-04-10"},
		{"Autorizația de construire nr. 0567 din 1.4.2026", "567", "2026-04-01"},
	} {
		n, d, ok := sources.ParsePermitReference(c.in)
		got := ""
		if !d.IsZero() {
			got = calendar.FormatDate(d)
		}
		if !ok || n != c.number || got != c.date {
			t.Errorf("%q: %q %q %v, want %q %q", c.in, n, got, ok, c.number, c.date)
		}
	}
	for _, bad := range []string{"", "abc", "567 din 31.02.2026", "12345678"} {
		if _, _, ok := sources.ParsePermitReference(bad); ok {
			t.Errorf("%q was read as a permit reference", bad)
		}
	}
}
