package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// A citizen cancels the meeting the virtual civil servant booked from the request's
// page: a reason is required, another citizen cannot, and the cancellation frees the
// slot and revokes the confirmation.
func TestCitizenCancelsABookedMeeting(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		loc, _ := time.LoadLocation("Europe/Bucharest")
		day := time.Now().In(loc).AddDate(0, 0, 2).Format("2006-01-02")
		if _, err := sources.Import(ctx, a.DB, "meeting-slots", strings.NewReader("slot_id,department,officer,starts_at,minutes,channel,link\n"+
			"DTIL-1,taxe-locale,Cristian Pop,"+day+" 10:00,15,video,https://intalniri.example.ro/t1\n")); err != nil {
			t.Fatal(err)
		}
		ion, err := identity.CreateUser(ctx, a.DB, identity.NewUser{Email: "ion@example.ro", Password: "Parola-Lunga-2026!", Role: identity.Citizen,
			Name: "Ion Popescu", CNP: "1920822296090", EmailVerified: true}, 0)
		if err != nil {
			t.Fatal(err)
		}
		request, err := a.Cases.File(ctx, cases.Filing{Service: "certificat-fiscal", Applicant: ion, Fields: map[string]any{
			"name": "Ion Popescu", "email": "ion@example.ro", "cnp": "1920822296090", "purpose": "notar"}})
		if err != nil {
			t.Fatal(err)
		}
		a.Clerk.RunOnce(ctx) // not in the tax roll: it waits in taxe-locale
		meeting, err := a.Cases.File(ctx, cases.Filing{Service: "programare-intalnire-functionar", Applicant: ion, Fields: map[string]any{
			"name": "Ion Popescu", "email": "ion@example.ro", "registration_number": request.Number, "preferred_date": day,
			"preferred_time": "dimineata", "topic": "Stadiul cererii"}})
		if err != nil {
			t.Fatal(err)
		}
		a.Clerk.RunOnce(ctx)
		if _, err := sources.BookingForCase(ctx, a.DB.Read(), meeting.ID); err != nil {
			t.Fatalf("no meeting booked: %v", err)
		}
		page := fmt.Sprintf("/cereri/%d", meeting.ID)

		other := staffSignIn(t, base, testenv.User(t, a, identity.Citizen, ""))
		other.get("/cereri")
		if st, _ := other.post(page+"/anulare-programare", url.Values{"reason": {"Nu pot veni."}}); st != 404 {
			t.Fatalf("another citizen cancelling: %d, want 404", st)
		}

		b := staffSignIn(t, base, ion)
		if st, body := b.get(page); st != 200 || !strings.Contains(body, `action="`+page+`/anulare-programare"`) {
			t.Fatalf("the request page offers no cancellation: %d", st)
		}
		if _, body := b.post(page+"/anulare-programare", url.Values{"reason": {"  "}}); !strings.Contains(body, "Scrieți pe scurt de ce anulați programarea.") {
			t.Fatal("a cancellation without a reason was not refused with a message")
		}
		if _, err := sources.BookingForCase(ctx, a.DB.Read(), meeting.ID); err != nil {
			t.Fatalf("a refused cancellation freed the slot: %v", err)
		}
		_, body := b.post(page+"/anulare-programare", url.Values{"reason": {"Am găsit răspunsul pe portal."}})
		if !strings.Contains(body, "Programarea a fost anulată") || strings.Contains(body, `/anulare-programare"`) {
			t.Fatal("the page does not say the meeting was cancelled, or still offers it")
		}
		if _, err := sources.BookingForCase(ctx, a.DB.Read(), meeting.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the slot is still booked: %v", err)
		}
		docs, _ := documents.ForCase(ctx, a.DB.Read(), meeting.ID)
		if len(docs) != 1 || docs[0].RevokedAt.IsZero() {
			t.Fatalf("the confirmation was not revoked: %+v", docs)
		}
	})
}
