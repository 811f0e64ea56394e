package clerk_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// Petitions as people write them.
const (
	askingForTaxCertificate = "Bună ziua, vă rog să-mi eliberați un certificat de atestare fiscală, am nevoie de el la notar pentru vânzarea apartamentului."
	unpaidSalary            = "Angajatorul meu nu mi-a plătit salariul pe ultimele trei luni și nu am contract de muncă. Vă rog să mă ajutați."
	potholeOnCityStreet     = "Pe strada Horea nr. 10 este o groapă mare în asfalt care a spart roata mașinii."
	ambiguous               = "Vă scriu pentru că nu mai știu ce să fac. Nimeni nu mă ajută."
	// A theft (the police's) from a residents' parking place (the city hall's).
	sharedCompetence = "Vreau să fac o reclamație: mi-a fost furată bicicleta din parcarea de reședință de lângă bloc, unde am abonament de parcare."
)

func petition(u *identity.User, message string) cases.Filing {
	return cases.Filing{Service: "petitie", Applicant: u, Fields: map[string]any{"name": "Ion Popescu", "email": "ion@example.ro", "message": message}}
}

// runClerk runs the virtual civil servant until no job is due.
func runClerk(t *testing.T, a *app.App) {
	t.Helper()
	for {
		n, err := a.Clerk.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func onlyStep(t *testing.T, a *app.App, caseID int64) clerk.Step {
	t.Helper()
	steps, err := clerk.Steps(context.Background(), a.DB.Read(), caseID)
	if err != nil || len(steps) != 1 {
		t.Fatalf("case %d: want one automated step, got %+v %v", caseID, steps, err)
	}
	return steps[0]
}

func messagesOfKind(t *testing.T, a *app.App, caseID int64, kind string) []notify.Pending {
	t.Helper()
	all, err := notify.ForCase(context.Background(), a.DB.Read(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Pending
	for _, m := range all {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// A petition asking for a tax certificate gets a proposal to move it; only staff
// of the petition's department may move it; confirmed, it is in the local taxes
// queue with the same number and a deadline from the first registration, and the
// applicant has an e-mail saying so.
func TestRerouteProposedAndConfirmedByStaff(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		citizen := testenv.User(t, a, identity.Citizen, "")
		c, err := a.Cases.File(ctx, petition(citizen, askingForTaxCertificate))
		if err != nil {
			t.Fatal(err)
		}
		runClerk(t, a)
		step := onlyStep(t, a, c.ID)
		var p clerk.Proposal
		if err := json.Unmarshal(step.Inputs, &p); err != nil {
			t.Fatal(err)
		}
		if step.Rule != "general/redirectionare" || step.Outcome != clerk.OutcomeReroute || p.Service != "certificat-fiscal" || p.From != "petitie" ||
			!strings.Contains(step.Explanation.RO, "Certificat de atestare fiscală") || step.Explanation.EN == "" || step.Explanation.HU == "" {
			t.Fatalf("proposal step: %+v %+v", step, p)
		}
		// Proposed, not moved: the case waits in its department.
		got, _ := a.Cases.Get(ctx, identity.VirtualClerk, c.ID)
		if got.Service != "petitie" || got.Department != "relatii-cetateni" || got.Status != cases.Registered {
			t.Fatalf("the virtual civil servant moved the case itself: %+v", got)
		}
		if _, err := a.Cases.Reroute(ctx, identity.VirtualClerk, c.ID, "certificat-fiscal", "x"); !errors.Is(err, cases.ErrAutomaticReroute) {
			t.Fatalf("automatic move: %v", err)
		}

		// The wrong people cannot move it, and nothing changes.
		taxHead := testenv.User(t, a, identity.Head, "taxe-locale")
		if _, err := a.Clerk.ConfirmReroute(ctx, taxHead, c.ID, step.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another department confirmed: %v", err)
		}
		if _, err := a.Cases.Reroute(ctx, taxHead, c.ID, "certificat-fiscal", "Ne privește."); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another department moved the case: %v", err)
		}
		if _, err := a.Cases.Reroute(ctx, citizen, c.ID, "certificat-fiscal", "Greșisem."); !errors.Is(err, cases.ErrNotAllowed) {
			t.Fatalf("the citizen moved the case: %v", err)
		}
		worker := testenv.User(t, a, identity.Worker, "relatii-cetateni")
		for _, bad := range []struct {
			service, reason string
			want            error
		}{{"certificat-fiscal", " ", cases.ErrReasonRequired}, {"nu-exista", "Motiv", cases.ErrUnknownService}, {"petitie", "Motiv", cases.ErrSameService}} {
			if _, err := a.Cases.Reroute(ctx, worker, c.ID, bad.service, bad.reason); !errors.Is(err, bad.want) {
				t.Fatalf("reroute to %q with %q: %v, want %v", bad.service, bad.reason, err, bad.want)
			}
		}
		if got, _ := a.Cases.Get(ctx, identity.VirtualClerk, c.ID); got.Service != "petitie" || len(messagesOfKind(t, a, c.ID, "case.rerouted")) != 0 {
			t.Fatalf("a refused move changed the case: %+v", got)
		}

		moved, err := a.Clerk.ConfirmReroute(ctx, worker, c.ID, step.ID)
		if err != nil {
			t.Fatal(err)
		}
		svc, _ := a.Catalog.Service("certificat-fiscal")
		if moved.Service != "certificat-fiscal" || moved.Department != "taxe-locale" || moved.Number != c.Number || moved.Status != cases.Registered ||
			moved.AssigneeID != 0 || moved.Term != svc.LegalTerm || !moved.LegalDeadline.Equal(a.Calendar.Deadline(c.RegisteredOn, svc.LegalTerm)) {
			t.Fatalf("after the move: %+v", moved)
		}
		if _, err := a.Clerk.ConfirmReroute(ctx, taxHead, c.ID, step.ID); !errors.Is(err, clerk.ErrNoProposal) {
			t.Fatalf("a proposal confirmed twice: %v", err)
		}
		steps, _ := clerk.Steps(ctx, a.DB.Read(), c.ID)
		if steps[0].ReviewedBy != worker.ID || steps[0].ReviewNote == "" {
			t.Fatalf("the proposal is not closed: %+v", steps[0])
		}
		// The new department's queue has it; the old one no longer sees it.
		q, err := a.Cases.Queue(ctx, taxHead, cases.QueueFilter{})
		if err != nil || len(q.Cases) != 1 || q.Cases[0].ID != c.ID {
			t.Fatalf("local taxes queue: %+v %v", q.Cases, err)
		}
		if q, _ := a.Cases.Queue(ctx, worker, cases.QueueFilter{}); len(q.Cases) != 0 {
			t.Fatalf("the old department still lists it: %+v", q.Cases)
		}
		if _, err := a.Cases.Get(ctx, worker, c.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the old department still sees it: %v", err)
		}
		// The registry keeps the one incoming entry, with its number.
		if entries, _ := registry.ForCase(ctx, a.DB.Read(), c.ID); len(entries) != 1 || entries[0].Number != c.Number {
			t.Fatalf("registry: %+v", entries)
		}
		events, _ := cases.Timeline(ctx, a.DB.Read(), c.ID)
		last := events[len(events)-1]
		if last.Kind != "rerouted" || last.Data["from_service"] != "petitie" || last.Data["to_service"] != "certificat-fiscal" || last.ActorID != worker.ID {
			t.Fatalf("timeline: %+v", last)
		}
		if n := count(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.rerouted' AND case_id = $1 AND actor_id = $2`, c.ID, worker.ID); n != 1 {
			t.Fatalf("audit rows: %d", n)
		}
		// The applicant is told, in an e-mail naming the new service.
		msgs := messagesOfKind(t, a, c.ID, "case.rerouted")
		if len(msgs) != 1 || msgs[0].UserID != citizen.ID {
			t.Fatalf("outbox: %+v", msgs)
		}
		subject, body, err := notify.Render(msgs[0].Kind, msgs[0].Params, "ro")
		if err != nil || !strings.Contains(subject, c.Number) || !strings.Contains(body, "Certificat de atestare fiscală") ||
			!strings.Contains(body, "Direcția Taxe și Impozite Locale") {
			t.Fatalf("e-mail: %q %q %v", subject, body, err)
		}
		// The dashboard counts the move under the service it was filed as.
		stats, _ := clerk.Stats(ctx, a.DB.Read(), "relatii-cetateni")
		if len(stats) != 1 || stats[0].Service != "petitie" || stats[0].Rerouted != 1 {
			t.Fatalf("stats: %+v", stats)
		}
		// Moved, the case is a person's: the virtual civil servant does not act on it.
		runClerk(t, a)
		if steps, _ := clerk.Steps(ctx, a.DB.Read(), c.ID); len(steps) != 1 {
			t.Fatalf("steps after the move: %+v", steps)
		}
	})
}

// A petition about an unpaid salary goes to the labour inspectorate within the 5
// days of OG 27/2002 art. 6¹: a registered outgoing letter to ITM, signed, stored
// with the case and e-mailed to ITM; the citizen is told where it went; the case is
// closed for the city hall.
func TestPetitionForwardedToTheCompetentInstitution(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		citizen := testenv.User(t, a, identity.Citizen, "")
		c, err := a.Cases.File(ctx, petition(citizen, unpaidSalary))
		if err != nil {
			t.Fatal(err)
		}
		runClerk(t, a)
		step := onlyStep(t, a, c.ID)
		var facts clerk.Facts
		json.Unmarshal(step.Inputs, &facts)
		if step.Rule != "petitie/alta-institutie" || step.Outcome != "forward" || facts.Forward.Institution != "itm-cluj" || facts.Forward.Ours ||
			len(facts.Forward.Matched) == 0 {
			t.Fatalf("step: %+v facts %+v", step, facts.Forward)
		}
		got, _ := a.Cases.Get(ctx, identity.VirtualClerk, c.ID)
		if got.Status != cases.Closed || got.Outcome != cases.Forwarded || !strings.Contains(got.DecisionReason, "Inspectoratul Teritorial de Muncă Cluj") {
			t.Fatalf("case: %+v", got)
		}
		fw, err := cases.ForwardingOf(ctx, a.DB.Read(), c.ID)
		if err != nil || fw.Institution != "itm-cluj" || fw.At.After(a.Cases.ForwardBy(c).Add(24*time.Hour)) {
			t.Fatalf("forwarding: %+v %v", fw, err)
		}
		entries, _ := registry.ForCase(ctx, a.DB.Read(), c.ID)
		if len(entries) != 2 || entries[1].Direction != registry.Outgoing || entries[1].Correspondent != "Inspectoratul Teritorial de Muncă Cluj" ||
			entries[1].ReplyTo != entries[0].ID || entries[1].ID != fw.EntryID {
			t.Fatalf("registry: %+v", entries)
		}
		docs, _ := documents.ForCase(ctx, a.DB.Read(), c.ID)
		if len(docs) != 1 || docs[0].EntryID != fw.EntryID || docs[0].Number != entries[1].Number {
			t.Fatalf("documents: %+v", docs)
		}
		pdf, err := documents.PDF(ctx, a.DB.Read(), docs[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := documents.Verify(pdf, a.Clerk.Issuer.Signer.Certificate()); err != nil {
			t.Fatalf("the letter does not verify: %v", err)
		}
		t.Run("letter text", func(t *testing.T) {
			checkLetter(t, pdf, c.Number, "art. 6¹", "spre competentă soluționare", "salariul", "ion@example.ro")
		})

		// The institution gets the letter by e-mail; the citizen gets who and why.
		toITM := messagesOfKind(t, a, c.ID, "case.forward_letter")
		if len(toITM) != 1 || toITM[0].Email != "itmcluj@itmcluj.ro" || toITM[0].UserID != 0 || toITM[0].Params["attachment_sha256"] != docs[0].SHA256 {
			t.Fatalf("e-mail to ITM: %+v", toITM)
		}
		if _, body, err := notify.Render(toITM[0].Kind, toITM[0].Params, "ro"); err != nil || !strings.Contains(body, c.Number) || !strings.Contains(body, "/verify/"+docs[0].Code) {
			t.Fatalf("e-mail to ITM: %q %v", body, err)
		}
		toCitizen := messagesOfKind(t, a, c.ID, "case.forwarded")
		if len(toCitizen) != 1 || toCitizen[0].UserID != citizen.ID {
			t.Fatalf("e-mail to the citizen: %+v", toCitizen)
		}
		for _, lang := range []string{"ro", "en", "hu"} {
			_, body, err := notify.Render(toCitizen[0].Kind, toCitizen[0].Params, lang)
			if err != nil || !strings.Contains(body, "Inspectoratul Teritorial de Muncă Cluj") || !strings.Contains(body, "itmcluj@itmcluj.ro") ||
				!strings.Contains(body, entries[1].Number) {
				t.Fatalf("e-mail to the citizen in %s: %q %v", lang, body, err)
			}
		}
		// A job run again (after a crash, say) makes no second letter.
		if err := a.DB.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE clerk_jobs SET state = 'pending' WHERE case_id = $1`, c.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		runClerk(t, a)
		if docs, _ := documents.ForCase(ctx, a.DB.Read(), c.ID); len(docs) != 1 || len(messagesOfKind(t, a, c.ID, "case.forward_letter")) != 1 {
			t.Fatalf("a second letter: %d documents", len(docs))
		}
		stats, _ := clerk.Stats(ctx, a.DB.Read(), "relatii-cetateni")
		if len(stats) != 1 || stats[0].Forwarded != 1 {
			t.Fatalf("stats: %+v", stats)
		}
		if problems, err := registry.Verify(ctx, a.DB.Read()); err != nil || len(problems) > 0 {
			t.Fatalf("registry verify: %v %v", problems, err)
		}
	})
}

// Petitions that are the city hall's, or may be, stay with people: nothing is
// forwarded and nothing is registered.
func TestPetitionsThatStayWithTheCityHall(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		citizen := testenv.User(t, a, identity.Citizen, "")
		want := map[string]string{
			potholeOnCityStreet: "petitie/functionar",
			ambiguous:           "petitie/functionar",
			sharedCompetence:    "petitie/competenta-impartita",
			"x":                 "petitie/functionar",
		}
		ids := map[string]int64{}
		for text := range want {
			c, err := a.Cases.File(ctx, petition(citizen, text))
			if err != nil {
				t.Fatal(err)
			}
			ids[text] = c.ID
		}
		runClerk(t, a)
		for text, rule := range want {
			id := ids[text]
			step := onlyStep(t, a, id)
			var facts clerk.Facts
			json.Unmarshal(step.Inputs, &facts)
			got, _ := a.Cases.Get(ctx, identity.VirtualClerk, id)
			if step.Rule != rule || step.Outcome != "escalate" || got.Status != cases.Registered || got.Outcome != "" {
				t.Errorf("%q: step %s %s, case %s; want %s escalated, registered", text, step.Rule, step.Outcome, got.Status, rule)
			}
			if entries, _ := registry.ForCase(ctx, a.DB.Read(), id); len(entries) != 1 {
				t.Errorf("%q: %d registry entries", text, len(entries))
			}
			if text == potholeOnCityStreet && (!facts.Forward.Ours || facts.Forward.Found) {
				t.Errorf("the pothole: %+v", facts.Forward)
			}
			if text == sharedCompetence && (facts.Forward.Institution != "ipj-cluj" || !facts.Forward.Ours) {
				t.Errorf("shared competence: %+v", facts.Forward)
			}
		}
		if n := count(t, a, `SELECT COUNT(*) FROM case_forwards`); n != 0 {
			t.Fatalf("%d forwarded", n)
		}
	})
}

// Staff forward a petition by hand to an institution they choose; staff of another
// department cannot, nor can anyone with an unknown institution or no reason.
func TestStaffForwardAPetitionByHand(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		citizen := testenv.User(t, a, identity.Citizen, "")
		c, err := a.Cases.File(ctx, petition(citizen, "Nu am primit decizia privind impozitul pe chirii de la finanțe."))
		if err != nil {
			t.Fatal(err)
		}
		worker := testenv.User(t, a, identity.Worker, "relatii-cetateni")
		other := testenv.User(t, a, identity.Worker, "urbanism")
		if _, err := a.Clerk.Forward(ctx, other, c.ID, "anaf-cluj", "Impozit pe venit."); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another department forwarded: %v", err)
		}
		if _, err := a.Clerk.Forward(ctx, citizen, c.ID, "anaf-cluj", "Impozit pe venit."); !errors.Is(err, cases.ErrNotAllowed) {
			t.Fatalf("the citizen forwarded: %v", err)
		}
		if _, err := a.Clerk.Forward(ctx, worker, c.ID, "primaria-dej", "Motiv"); !errors.Is(err, cases.ErrUnknownInstitution) {
			t.Fatalf("unknown institution: %v", err)
		}
		if _, err := a.Clerk.Forward(ctx, worker, c.ID, "anaf-cluj", "  "); !errors.Is(err, cases.ErrReasonRequired) {
			t.Fatalf("no reason: %v", err)
		}
		if n := count(t, a, `SELECT COUNT(*) FROM registry_entries`); n != 1 {
			t.Fatalf("refused forwards registered letters: %d entries", n)
		}
		got, err := a.Clerk.Forward(ctx, worker, c.ID, "anaf-cluj", "Impozitul pe venitul din chirii îl administrează ANAF.")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != cases.Closed || got.Outcome != cases.Forwarded || !strings.Contains(got.DecisionReason, "ANAF") {
			t.Fatalf("case: %+v", got)
		}
		docs, _ := documents.ForCase(ctx, a.DB.Read(), c.ID)
		if len(docs) != 1 || !strings.Contains(docs[0].Kind, "Administrația Județeană a Finanțelor Publice Cluj") {
			t.Fatalf("documents: %+v", docs)
		}
		if m := messagesOfKind(t, a, c.ID, "case.forward_letter"); len(m) != 1 || m[0].Email != "registratura.ajfp.cj@anaf.ro" {
			t.Fatalf("e-mail to ANAF: %+v", m)
		}
		if _, err := a.Clerk.Forward(ctx, worker, c.ID, "anaf-cluj", "Din nou."); !errors.Is(err, cases.ErrInvalidTransition) {
			t.Fatalf("forwarded twice: %v", err)
		}
		// The forwarding term: 5 calendar days from registration, on a working day.
		by := a.Cases.ForwardBy(c)
		if by.Before(c.RegisteredOn.AddDate(0, 0, cases.ForwardDays)) || by.After(c.RegisteredOn.AddDate(0, 0, cases.ForwardDays+4)) {
			t.Fatalf("forward by %s for a petition of %s", by, c.RegisteredOn)
		}
	})
}

func count(t *testing.T, a *app.App, query string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.Read().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// checkLetter reads the PDF's text with pdftotext (poppler-utils) and looks for wants.
func checkLetter(t *testing.T, pdf []byte, wants ...string) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		testenv.Unavailable(t, "pdftotext (poppler-utils)")
	}
	p := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("the letter lacks %q:\n%s", w, text)
		}
	}
}
