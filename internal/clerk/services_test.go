package clerk_test

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
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// verifiedCitizen is an account whose CNP was verified (at the counter or by eID).
func verifiedCitizen(t testing.TB, a *app.App, cnp, name string) *identity.User {
	t.Helper()
	u, err := identity.CreateUser(context.Background(), a.DB, identity.NewUser{Email: cnp + "@example.ro", Password: "Parola-Lunga-2026!",
		Role: identity.Citizen, Name: name, CNP: cnp, EmailVerified: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// drain runs the virtual civil servant until no job is due.
func drain(t testing.TB, a *app.App) {
	t.Helper()
	for range 10 {
		n, err := a.Clerk.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("jobs keep coming")
}

func importCSV(t testing.TB, a *app.App, name, file string) {
	t.Helper()
	if _, err := sources.Import(context.Background(), a.DB, name, strings.NewReader(file)); err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
}

func file(t testing.TB, a *app.App, f cases.Filing) *cases.Case {
	t.Helper()
	c, err := a.Cases.File(context.Background(), f)
	if err != nil {
		t.Fatalf("file %s: %v", f.Service, err)
	}
	return c
}

// expectStep checks a case's status, its last automated step and the documents issued.
func expectStep(t *testing.T, a *app.App, c *cases.Case, status cases.Status, rule, outcome string, docs int) *cases.Case {
	t.Helper()
	ctx := context.Background()
	got, err := a.Cases.Get(ctx, identity.VirtualClerk, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := clerk.Steps(ctx, a.DB.Read(), c.ID)
	if err != nil || len(steps) == 0 {
		t.Fatalf("case %d (%s): no steps, %v", c.ID, c.Service, err)
	}
	last := steps[len(steps)-1]
	issued, _ := documents.ForCase(ctx, a.DB.Read(), c.ID)
	if got.Status != status || last.Rule != rule || last.Outcome != outcome || last.Explanation.RO == "" || last.Explanation.HU == "" || len(issued) != docs {
		t.Fatalf("case %d (%s): status %s, last step %s/%s %q, %d documents; want %s, %s/%s, %d documents",
			c.ID, c.Service, got.Status, last.Rule, last.Outcome, last.Explanation.RO, len(issued), status, rule, outcome, docs)
	}
	return got
}

func fiscalFor(u *identity.User, cnp string) cases.Filing {
	return cases.Filing{Service: "certificat-fiscal", Applicant: u, Fields: map[string]any{
		"name": u.Name, "email": "x@example.ro", "cnp": cnp, "purpose": "vânzare apartament"}}
}

func duplicate(u *identity.User, cnp, ref string) cases.Filing {
	return cases.Filing{Service: "duplicat-document-emis", Applicant: u, Fields: map[string]any{
		"name": u.Name, "email": "x@example.ro", "cnp": cnp, "document": ref, "motive": "pierdut"}}
}

// A duplicate restates a document issued to the applicant; anyone else's, an
// unknown or a revoked document goes to a person, and the step never records the
// other holder's data.
func TestVirtualClerkIssuesDuplicates(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		importCSV(t, a, "tax-roll", "identifier,name,address,debt_lei\n1920822296090,Ion Popescu,Str. Horea 12,0\n")
		ion := verifiedCitizen(t, a, "1920822296090", "Ion Popescu")
		maria := verifiedCitizen(t, a, "2850317125781", "Maria Ionescu")
		orig := file(t, a, fiscalFor(ion, "1920822296090"))
		drain(t, a)
		originals, _ := documents.ForCase(ctx, a.DB.Read(), orig.ID)
		if len(originals) != 1 {
			t.Fatalf("the original was not issued: %+v", originals)
		}
		o := originals[0]

		byNumber := file(t, a, duplicate(ion, "1920822296090", o.Number))
		byLink := file(t, a, duplicate(ion, "1920822296090", "https://primarie.example.ro/verify/"+strings.ToUpper(o.Code)))
		stranger := file(t, a, duplicate(maria, "2850317125781", o.Number))
		unknown := file(t, a, duplicate(ion, "1920822296090", "999999/221/01.01.2026"))
		unverified := file(t, a, duplicate(testenv.User(t, a, identity.Citizen, ""), "1920822296090", o.Number))
		drain(t, a)

		for _, c := range []*cases.Case{byNumber, byLink} {
			got := expectStep(t, a, c, cases.Decided, "duplicat-document-emis/emitere", catalog.RuleResolve, 1)
			for _, want := range []string{o.Number, shortDay(o.IssuedAt), "Certificat de atestare fiscală", "Ion Popescu"} {
				if !strings.Contains(got.DecisionReason, want) {
					t.Errorf("case %d: the reason %q does not restate %q", c.ID, got.DecisionReason, want)
				}
			}
			docs, _ := documents.ForCase(ctx, a.DB.Read(), c.ID)
			if docs[0].Number == o.Number || !strings.Contains(docs[0].Kind, "Duplicat") || docs[0].Holder != "Ion Popescu" {
				t.Errorf("the duplicate %+v must carry its own number and say it is a duplicate", docs[0])
			}
			pdf, _ := documents.PDF(ctx, a.DB.Read(), docs[0])
			if _, err := documents.Verify(pdf, a.Clerk.Issuer.Signer.Certificate()); err != nil {
				t.Fatalf("the duplicate does not verify: %v", err)
			}
		}
		expectStep(t, a, stranger, cases.Registered, "duplicat-document-emis/alt-titular", catalog.RuleEscalate, 0)
		expectStep(t, a, unknown, cases.Registered, "duplicat-document-emis/negasit", catalog.RuleEscalate, 0)
		expectStep(t, a, unverified, cases.Registered, "duplicat-document-emis/identitate", catalog.RuleEscalate, 0)
		steps, _ := clerk.Steps(ctx, a.DB.Read(), stranger.ID)
		if in := string(steps[0].Inputs); strings.Contains(in, "Ion Popescu") || strings.Contains(in, "atestare") || !strings.Contains(in, `"found":true`) {
			t.Fatalf("the step of someone else's request records the holder's document: %s", in)
		}

		// A revoked original gets no duplicate.
		head := testenv.User(t, a, identity.Head, orig.Department)
		origSteps, _ := clerk.Steps(ctx, a.DB.Read(), orig.ID)
		if err := a.Clerk.Review(ctx, head, orig.ID, origSteps[0].ID, true, "Amendă neînregistrată."); err != nil {
			t.Fatal(err)
		}
		revoked := file(t, a, duplicate(ion, "1920822296090", o.Code))
		drain(t, a)
		expectStep(t, a, revoked, cases.Registered, "duplicat-document-emis/revocat", catalog.RuleEscalate, 0)
	})
}

func shortDay(t time.Time) string { return calendar.Civil(t).Format("02.01.2006") }

func parking(u *identity.User, cnp, address, plate, holding string) cases.Filing {
	return cases.Filing{Service: "abonament-parcare-rezidentiala", Applicant: u, Fields: map[string]any{
		"name": u.Name, "email": "x@example.ro", "cnp": cnp, "address": address, "plate_number": plate, "vehicle_holding": holding}}
}

// A residential parking subscription is granted when the address is in a zone and
// confirmed by the tax roll, the car is the applicant's and there are no debts, and
// only while the zone has places; every other case goes to a person with the reason.
func TestVirtualClerkGrantsResidentialParking(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		importCSV(t, a, "tax-roll", "identifier,name,address,debt_lei\n"+
			"1920822296090,Ion Popescu,\"Str. Horea 12, ap. 4, Cluj-Napoca\",0\n"+
			"2850317125781,Maria Ionescu,\"Calea Dorobanților 45, ap. 12, Cluj-Napoca\",347.20\n"+
			"1731013120515,Vasile Pop,\"Str. Horea 14, ap. 2, Cluj-Napoca\",0\n"+
			"2631118124381,Irina Lazăr,\"Str. Mehedinți 75, Cluj-Napoca\",0\n"+
			"2890403125894,Andreea Szabó,\"Calea Turzii 113, ap. 58, Cluj-Napoca\",0\n")
		importCSV(t, a, "parking-zones", "street,numbers,zone,annual_fee_lei,places\n"+
			"Str. Horea,2-60 pare,Centru,600,1\n"+
			"Calea Dorobanților,toate,Mărăști,400,40\n"+
			"Calea Turzii,1-120,Zorilor,400,30\n")
		importCSV(t, a, "vehicles", "plate,owner_identifier,owner_name,make\n"+
			"CJ 12 ABC,1920822296090,Ion Popescu,Dacia Logan\n"+
			"CJ 34 MIO,2850317125781,Maria Ionescu,Volkswagen Golf\n"+
			"CJ 07 VAS,1731013120515,Vasile Pop,Skoda Octavia\n"+
			"CJ 21 AND,2890403125894,Andreea Szabó,Toyota Yaris\n")
		ion := verifiedCitizen(t, a, "1920822296090", "Ion Popescu")
		granted := file(t, a, parking(ion, "1920822296090", "Str. Horea nr. 12, ap. 4", "cj 12 abc", "proprietate"))
		drain(t, a)
		got := expectStep(t, a, granted, cases.Decided, "abonament-parcare-rezidentiala/atribuire", catalog.RuleResolve, 1)
		today := calendar.Civil(time.Now())
		until := today.AddDate(1, 0, -1).Format("02.01.2006")
		for _, want := range []string{"zona Centru", "CJ 12 ABC", today.Format("02.01.2006"), until} {
			if !strings.Contains(got.DecisionReason, want) {
				t.Errorf("the reason %q does not state %q", got.DecisionReason, want)
			}
		}
		s, err := sources.SubscriptionForCase(ctx, a.DB.Read(), granted.ID)
		if err != nil || s.Zone != "Centru" || s.Plate != "CJ12ABC" || s.FeeBani != 60000 || s.ValidUntil != calendar.FormatDate(today.AddDate(1, 0, -1)) {
			t.Fatalf("subscription: %+v %v", s, err)
		}

		vasile := verifiedCitizen(t, a, "1731013120515", "Vasile Pop")
		andreea := verifiedCitizen(t, a, "2890403125894", "Andreea Szabó")
		irina := verifiedCitizen(t, a, "2631118124381", "Irina Lazăr")
		want := []struct {
			c    *cases.Case
			rule string
		}{
			// Centru's only place is Ion's now: Vasile waits.
			{file(t, a, parking(vasile, "1731013120515", "Str. Horea 14, ap. 2", "CJ 07 VAS", "proprietate")), "abonament-parcare-rezidentiala/zona-plina"},
			{file(t, a, parking(verifiedCitizen(t, a, "2850317125781", "Maria Ionescu"), "2850317125781", "Calea Dorobanților 45", "CJ 34 MIO", "proprietate")), "abonament-parcare-rezidentiala/datorii"},
			{file(t, a, parking(irina, "2631118124381", "Str. Mehedinți 75", "CJ 12 ABC", "proprietate")), "abonament-parcare-rezidentiala/in-afara-zonei"},
			{file(t, a, parking(andreea, "2890403125894", "Calea Turzii 20", "CJ 21 AND", "proprietate")), "abonament-parcare-rezidentiala/adresa-neconfirmata"},
			{file(t, a, parking(andreea, "2890403125894", "Calea Turzii nr. 113", "CJ 12 ABC", "leasing")), "abonament-parcare-rezidentiala/vehicul"},
			{file(t, a, parking(andreea, "2890403125894", "Calea Turzii nr. 113", "CJ 21 AND", "serviciu")), "abonament-parcare-rezidentiala/masina-serviciu"},
			{file(t, a, parking(testenv.User(t, a, identity.Citizen, ""), "1920822296090", "Str. Horea 12", "CJ 12 ABC", "proprietate")), "abonament-parcare-rezidentiala/identitate"},
			{file(t, a, parking(verifiedCitizen(t, a, "1630615123457", "Maria Pop"), "1630615123457", "Str. Horea 12", "CJ 12 ABC", "proprietate")), "abonament-parcare-rezidentiala/fara-rol"},
		}
		drain(t, a)
		for _, w := range want {
			expectStep(t, a, w.c, cases.Registered, w.rule, catalog.RuleEscalate, 0)
		}
		steps, _ := clerk.Steps(ctx, a.DB.Read(), want[0].c.ID)
		if !strings.Contains(steps[0].Explanation.RO, "Centru") || !strings.Contains(steps[0].Explanation.EN, "waiting list") {
			t.Errorf("a full zone's reason: %+v", steps[0].Explanation)
		}
		var n int
		a.DB.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM parking_subscriptions`).Scan(&n)
		if n != 1 {
			t.Fatalf("%d subscriptions; only Ion's was granted", n)
		}
		// Andreea with her own address and car is granted a place in Zorilor.
		ok := file(t, a, parking(andreea, "2890403125894", "Calea Turzii nr. 113, ap. 58", "CJ-21-AND", "leasing"))
		drain(t, a)
		expectStep(t, a, ok, cases.Decided, "abonament-parcare-rezidentiala/atribuire", catalog.RuleResolve, 1)
	})
}

var (
	pdfFile = cases.File{Field: "disability_certificate", Name: "certificat.pdf", Data: []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")}
	photo   = cases.File{Field: "photo", Name: "poza.png", Data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")}
)

func card(u *identity.User, cnp, name string, files ...cases.File) cases.Filing {
	return cases.Filing{Service: "card-parcare-handicap", Applicant: u, Files: append([]cases.File{photo}, files...), Fields: map[string]any{
		"name": name, "email": "x@example.ro", "cnp": cnp, "address": "Str. Horea 12, ap. 4, Cluj-Napoca"}}
}

// The disabled parking card is issued on a certificate in force in the DGASPC
// register, for as long as it lasts (at most 5 years). Without one, the applicant is
// asked for a copy; the answer with a file goes to a person who checks the paper,
// and an answer without one is not asked for twice.
func TestVirtualClerkDisabilityCard(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		today := calendar.Civil(time.Now())
		ionUntil := today.AddDate(1, 2, 0)
		importCSV(t, a, "disability-certificates", "cnp,name,certificate_no,issued_on,valid_until,grade\n"+
			fmt.Sprintf("1920822296090,Ion Popescu,4512/2025,2025-06-12,%s,accentuat\n", calendar.FormatDate(ionUntil))+
			"2850317125781,Maria Ionescu,1187/2023,2023-02-20,permanent,grav\n"+
			"6040229125806,Ana Pop,2290/2024,2024-03-05,2025-03-04,mediu\n")
		ion := verifiedCitizen(t, a, "1920822296090", "Ion Popescu")
		maria := verifiedCitizen(t, a, "2850317125781", "Maria Ionescu")
		ana := verifiedCitizen(t, a, "6040229125806", "Ana Pop")
		dan := verifiedCitizen(t, a, "1630615123457", "Dan Pop")

		forIon := file(t, a, card(ion, "1920822296090", "Popescu Ion"))
		forMaria := file(t, a, card(maria, "2850317125781", "Maria Ionescu"))
		anaAsked := file(t, a, card(ana, "6040229125806", "Ana Pop"))
		danAsked := file(t, a, card(dan, "1630615123457", "Dan Pop"))
		withCopy := file(t, a, card(dan, "1630615123457", "Dan Pop", pdfFile))
		otherName := file(t, a, card(ion, "1920822296090", "Ioan Popa"))
		rep := card(ion, "6040229125806", "Ana Pop")
		rep.Fields["representative"] = "Ion Popescu"
		forAna := file(t, a, rep)
		drain(t, a)

		got := expectStep(t, a, forIon, cases.Decided, "card-parcare-handicap/emitere", catalog.RuleResolve, 1)
		if !strings.Contains(got.DecisionReason, ionUntil.Format("02.01.2006")) || !strings.Contains(got.DecisionReason, "4512/2025") {
			t.Errorf("Ion's card must last as long as his certificate: %q", got.DecisionReason)
		}
		got = expectStep(t, a, forMaria, cases.Decided, "card-parcare-handicap/emitere", catalog.RuleResolve, 1)
		if five := today.AddDate(5, 0, -1).Format("02.01.2006"); !strings.Contains(got.DecisionReason, five) {
			t.Errorf("a permanent certificate gives a card for 5 years (%s): %q", five, got.DecisionReason)
		}
		expectStep(t, a, anaAsked, cases.InfoRequested, "card-parcare-handicap/certificat-lipsa", catalog.RuleAsk, 0)
		expectStep(t, a, danAsked, cases.InfoRequested, "card-parcare-handicap/certificat-lipsa", catalog.RuleAsk, 0)
		expectStep(t, a, withCopy, cases.Registered, "card-parcare-handicap/certificat-de-verificat", catalog.RuleEscalate, 0)
		expectStep(t, a, otherName, cases.Registered, "card-parcare-handicap/nume-diferit", catalog.RuleEscalate, 0)
		expectStep(t, a, forAna, cases.InfoRequested, "card-parcare-handicap/act-reprezentare", catalog.RuleAsk, 0)

		// The request for information reached the applicant with the rule's words.
		events, _ := cases.Timeline(ctx, a.DB.Read(), anaAsked.ID)
		if last := events[len(events)-1]; last.Kind != "info_requested" || !strings.Contains(last.Reason, "DGASPC") {
			t.Fatalf("timeline after asking: %+v", last)
		}
		// Only the applicant may answer.
		if _, err := a.Cases.Respond(ctx, dan, anaAsked.ID, "Iată.", []cases.File{{Field: "answer", Name: "c.pdf", Data: pdfFile.Data}}); err == nil {
			t.Fatal("another citizen answered Ana's request")
		}
		// Ana sends the certificate: a person checks the paper.
		answer := cases.File{Field: "answer", Name: "certificat-nou.pdf", Data: pdfFile.Data}
		if _, err := a.Cases.Respond(ctx, ana, anaAsked.ID, "Atașez certificatul reînnoit.", []cases.File{answer}); err != nil {
			t.Fatal(err)
		}
		// Dan answers without a file: he is not asked again, a person takes over.
		if _, err := a.Cases.Respond(ctx, dan, danAsked.ID, "Nu am certificatul la mine.", nil); err != nil {
			t.Fatal(err)
		}
		// Ion sends the guardianship decision for Ana: a person checks it.
		if _, err := a.Cases.Respond(ctx, ion, forAna.ID, "Hotărârea de tutelă.", []cases.File{answer}); err != nil {
			t.Fatal(err)
		}
		drain(t, a)
		expectStep(t, a, anaAsked, cases.InProgress, "card-parcare-handicap/certificat-de-verificat", catalog.RuleEscalate, 0)
		expectStep(t, a, danAsked, cases.InProgress, "general/a-doua-cerere", catalog.RuleEscalate, 0)
		expectStep(t, a, forAna, cases.InProgress, "card-parcare-handicap/reprezentant", catalog.RuleEscalate, 0)
		for _, c := range []*cases.Case{anaAsked, danAsked, forAna} {
			if steps, _ := clerk.Steps(ctx, a.DB.Read(), c.ID); len(steps) != 2 || steps[0].Outcome != catalog.RuleAsk {
				t.Fatalf("case %d: want one ask then one escalation, got %+v", c.ID, steps)
			}
		}
		// Nothing more happens by itself.
		if n, err := a.Clerk.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("a further run took %d jobs: %v", n, err)
		}
	})
}

func meeting(u *identity.User, number, day, period string) cases.Filing {
	return cases.Filing{Service: "programare-intalnire-functionar", Applicant: u, Fields: map[string]any{
		"name": u.Name, "email": "x@example.ro", "registration_number": number, "preferred_date": day, "preferred_time": period,
		"topic": "Stadiul cererii"}}
}

// A meeting with the officers of the department handling the applicant's request
// is booked on the earliest free slot from the preferred day, preferring the part
// of the day asked for; two workers never book one slot twice; a full agenda, an
// unknown or someone else's request go to a person; the applicant can cancel.
func TestVirtualClerkBooksMeetings(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("Europe/Bucharest")
		now := time.Now().In(loc)
		d1 := now.AddDate(0, 0, 1).Format("2006-01-02")
		d2 := now.AddDate(0, 0, 2).Format("2006-01-02")
		var slots strings.Builder
		slots.WriteString("slot_id,department,officer,starts_at,minutes,channel,link\n")
		for i, s := range []string{d1 + " 09:00", d1 + " 09:30", d1 + " 13:00", d2 + " 10:00", d2 + " 10:15", d2 + " 14:00"} {
			fmt.Fprintf(&slots, "DTIL-%d,taxe-locale,Cristian Pop,%s,15,video,https://intalniri.primariaclujnapoca.ro/t%d\n", i, s, i)
		}
		fmt.Fprintf(&slots, "URB-0,urbanism,Ioana Mureșan,%s 09:00,15,video,https://intalniri.primariaclujnapoca.ro/u0\n", d1)
		importCSV(t, a, "meeting-slots", slots.String())

		ion := verifiedCitizen(t, a, "1920822296090", "Ion Popescu")
		maria := verifiedCitizen(t, a, "2850317125781", "Maria Ionescu")
		request := file(t, a, fiscalFor(ion, "1920822296090")) // not in the tax roll: it waits in taxe-locale
		drain(t, a)

		afternoon := file(t, a, meeting(ion, request.Number, d1, "dupa-amiaza"))
		drain(t, a)
		got := expectStep(t, a, afternoon, cases.Decided, "programare-intalnire-functionar/programare", catalog.RuleResolve, 1)
		b, err := sources.BookingForCase(ctx, a.DB.Read(), afternoon.ID)
		if err != nil || b.SlotID != "DTIL-2" || !strings.Contains(got.DecisionReason, "ora 13:00") || !strings.Contains(got.DecisionReason, "Cristian Pop") ||
			!strings.Contains(got.DecisionReason, "Direcția Taxe și Impozite Locale") {
			t.Fatalf("afternoon booking %+v %v, reason %q", b, err, got.DecisionReason)
		}

		// Six more requests, through two replicas at once: five slots are left.
		replica, err := app.Open(ctx, a.Config)
		if err != nil {
			t.Fatal(err)
		}
		defer replica.Close()
		var batch []*cases.Case
		for range 6 {
			batch = append(batch, file(t, a, meeting(ion, request.Number, d1, "dimineata")))
		}
		var wg sync.WaitGroup
		for _, w := range []*clerk.Worker{a.Clerk, replica.Clerk} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 5 {
					if _, err := w.RunOnce(ctx); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		seen := map[string]bool{b.SlotID: true}
		full := 0
		for _, c := range batch {
			steps, _ := clerk.Steps(ctx, a.DB.Read(), c.ID)
			if len(steps) != 1 {
				t.Fatalf("case %d: %d steps", c.ID, len(steps))
			}
			if steps[0].Rule == "programare-intalnire-functionar/fara-loc" {
				expectStep(t, a, c, cases.Registered, "programare-intalnire-functionar/fara-loc", catalog.RuleEscalate, 0)
				full++
				continue
			}
			expectStep(t, a, c, cases.Decided, "programare-intalnire-functionar/programare", catalog.RuleResolve, 1)
			bk, err := sources.BookingForCase(ctx, a.DB.Read(), c.ID)
			if err != nil || seen[bk.SlotID] || bk.Department != "taxe-locale" {
				t.Fatalf("case %d booked %+v (%v): a slot twice or of another department", c.ID, bk, err)
			}
			seen[bk.SlotID] = true
		}
		if full != 1 || len(seen) != 6 {
			t.Fatalf("%d requests left without a slot, %d slots booked; want 1 and all 6", full, len(seen))
		}

		foreign := file(t, a, meeting(maria, request.Number, d1, "dimineata"))
		unknown := file(t, a, meeting(ion, "999999/221/01.01.2026", d1, "dimineata"))
		drain(t, a)
		expectStep(t, a, foreign, cases.Registered, "programare-intalnire-functionar/cerere-straina", catalog.RuleEscalate, 0)
		expectStep(t, a, unknown, cases.Registered, "programare-intalnire-functionar/cerere-negasita", catalog.RuleEscalate, 0)

		// Cancelling: not by someone else, not without a reason; then the slot is free
		// and the confirmation revoked.
		if err := a.Clerk.CancelMeeting(ctx, maria, afternoon.ID, "Nu pot."); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another citizen cancelled Ion's meeting: %v", err)
		}
		if err := a.Clerk.CancelMeeting(ctx, testenv.User(t, a, identity.Worker, "urbanism"), afternoon.ID, "Nu pot."); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("staff of another department cancelled the meeting: %v", err)
		}
		if err := a.Clerk.CancelMeeting(ctx, ion, afternoon.ID, " "); !errors.Is(err, cases.ErrReasonRequired) {
			t.Fatalf("cancelling without a reason: %v", err)
		}
		if err := a.Clerk.CancelMeeting(ctx, ion, request.ID, "Nu pot."); !errors.Is(err, clerk.ErrNotAMeeting) {
			t.Fatalf("cancelling a case that is not a meeting: %v", err)
		}
		if err := a.Clerk.CancelMeeting(ctx, ion, afternoon.ID, "Nu mai pot participa."); err != nil {
			t.Fatal(err)
		}
		if err := a.Clerk.CancelMeeting(ctx, ion, afternoon.ID, "Din nou."); !errors.Is(err, clerk.ErrNotAMeeting) {
			t.Fatalf("cancelling twice: %v", err)
		}
		if docs, _ := documents.ForCase(ctx, a.DB.Read(), afternoon.ID); len(docs) != 1 || docs[0].RevokedAt.IsZero() {
			t.Fatalf("the cancelled meeting's confirmation is not revoked: %+v", docs)
		}
		records, _ := audit.ForCase(ctx, a.DB.Read(), afternoon.ID)
		if !hasAction(records, "meeting.cancel") {
			t.Fatal("the cancellation is not audited")
		}
		again := file(t, a, meeting(ion, request.Number, d1, "dupa-amiaza"))
		drain(t, a)
		expectStep(t, a, again, cases.Decided, "programare-intalnire-functionar/programare", catalog.RuleResolve, 1)
		if bk, _ := sources.BookingForCase(ctx, a.DB.Read(), again.ID); bk.SlotID != "DTIL-2" {
			t.Fatalf("the freed slot was not booked again: %+v", bk)
		}
	})
}

func hasAction(records []audit.Record, action string) bool {
	for _, r := range records {
		if r.Action == action {
			return true
		}
	}
	return false
}
