package clerk_test

import (
	"context"
	"fmt"
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
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/testenv"
)

// placesPerson makes a citizen whose CNP is verified (as at the counter or by eID).
func placesPerson(t testing.TB, a *app.App, cnp, name string) *identity.User {
	t.Helper()
	u, err := identity.CreateUser(context.Background(), a.DB, identity.NewUser{Email: cnp + "@example.ro", Password: "Parola-Lunga-2026!",
		Role: identity.Citizen, Name: name, CNP: cnp, EmailVerified: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func placesImport(t testing.TB, a *app.App, name, csv string) {
	t.Helper()
	if _, err := sources.Import(context.Background(), a.DB, name, strings.NewReader(csv)); err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
}

func placesFile(t testing.TB, a *app.App, f cases.Filing) *cases.Case {
	t.Helper()
	c, err := a.Cases.File(context.Background(), f)
	if err != nil {
		t.Fatalf("file %s %v: %v", f.Service, f.Fields, err)
	}
	return c
}

// placesRun runs the virtual civil servant on the queue and wants n jobs done.
func placesRun(t testing.TB, a *app.App, n int) {
	t.Helper()
	if got, err := a.Clerk.RunOnce(context.Background()); err != nil || got != n {
		t.Fatalf("run: %d jobs, %v; want %d", got, err, n)
	}
}

// placesWant is what a case should look like after the virtual civil servant: its status,
// the rules of its steps in order, words in the decision's reason, and whether it has
// a document.
type placesWant struct {
	status cases.Status
	rules  []string
	reason []string
}

func placesCheck(t *testing.T, a *app.App, name string, c *cases.Case, w placesWant) {
	t.Helper()
	ctx := context.Background()
	got, err := a.Cases.Get(ctx, identity.VirtualClerk, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != w.status {
		t.Errorf("%s: status %s, want %s", name, got.Status, w.status)
	}
	for _, r := range w.reason {
		if !strings.Contains(got.DecisionReason, r) {
			t.Errorf("%s: reason %q lacks %q", name, got.DecisionReason, r)
		}
	}
	steps, err := clerk.Steps(ctx, a.DB.Read(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, s := range steps {
		rules = append(rules, s.Rule)
		if s.Explanation.RO == "" || s.Explanation.HU == "" || len(s.Inputs) < 10 {
			t.Errorf("%s: step %s is not explained: %+v", name, s.Rule, s)
		}
	}
	if strings.Join(rules, " ") != strings.Join(w.rules, " ") {
		t.Errorf("%s: steps %v, want %v", name, rules, w.rules)
	}
	docs, err := documents.ForCase(ctx, a.DB.Read(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if decided := w.status == cases.Decided; (len(docs) == 1) != decided || len(docs) > 1 {
		t.Errorf("%s: %d documents issued", name, len(docs))
	}
	if len(docs) == 1 {
		entries, _ := registry.ForCase(ctx, a.DB.Read(), c.ID)
		if last := entries[len(entries)-1]; last.Direction != registry.Outgoing || docs[0].Number != last.Number {
			t.Errorf("%s: the document's number %s is not the registered reply's %+v", name, docs[0].Number, last)
		}
	}
}

// placesDocument returns the text of the document issued on a case, read with
// pdftotext (poppler-utils), with the words one space apart; it checks the signature.
func placesDocument(t *testing.T, a *app.App, c *cases.Case) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		testenv.Unavailable(t, "pdftotext (poppler-utils)")
	}
	ctx := context.Background()
	docs, err := documents.ForCase(ctx, a.DB.Read(), c.ID)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents of case %d: %+v %v", c.ID, docs, err)
	}
	body, err := documents.PDF(ctx, a.DB.Read(), docs[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := documents.Verify(body, a.Clerk.Issuer.Signer.Certificate()); err != nil {
		t.Fatalf("the document of case %d does not verify: %v", c.ID, err)
	}
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// placesSays wants each of phrases in text.
func placesSays(t *testing.T, what, text string, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			t.Errorf("%s lacks %q:\n%s", what, p, text)
		}
	}
}

const (
	placesIon   = "1920822296090"
	placesMaria = "2850317125781"
	placesAna   = "6040229125806"
)

func TestVirtualClerkTaxRollCertificate(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		placesImport(t, a, "tax-roll", "identifier,name,address,debt_lei\n"+
			placesIon+",Popescu Ion,\"Str. Horea 12, ap. 4, Cluj-Napoca\",150\n"+
			placesMaria+",Maria Pop,Calea Dorobanților 45,0\n"+
			placesAna+",Ana Pop,,0\n"+
			"RO18547290,SC Exemplu SRL,Bd. Eroilor 1,0\n")
		ion := placesPerson(t, a, placesIon, "Ion Popescu")
		maria := placesPerson(t, a, placesMaria, "Maria Ionescu") // married since; the roll has her maiden name
		ana := placesPerson(t, a, placesAna, "Ana Pop")
		unverified := testenv.User(t, a, identity.Citizen, "")
		form := func(u *identity.User, name, cnp, cui string) cases.Filing {
			return cases.Filing{Service: "adeverinta-rol-fiscal", Applicant: u, Fields: map[string]any{
				"name": name, "email": "x@example.ro", "cnp": cnp, "cui": cui, "purpose": "dosar de bursă"}}
		}
		found := placesFile(t, a, form(ion, "Ion Popescu", placesIon, ""))
		company := placesFile(t, a, form(ion, "Ion Popescu", "", "RO18547290"))
		stranger := placesFile(t, a, form(unverified, "Ion Popescu", placesIon, ""))
		otherName := placesFile(t, a, form(ion, "Ioan Popescu", placesIon, ""))
		none := placesFile(t, a, form(ion, "Ion Popescu", "", ""))
		maiden := placesFile(t, a, form(maria, "Maria Ionescu", placesMaria, ""))
		noAddress := placesFile(t, a, form(ana, "Ana Pop", placesAna, ""))
		notInRoll := placesFile(t, a, form(placesPerson(t, a, "1960101123456", "Dan Rus"), "Dan Rus", "1960101123456", ""))
		placesRun(t, a, 8)

		// Found: the certificate states the roll's address, and not the debt.
		placesCheck(t, a, "in the roll", found, placesWant{cases.Decided, []string{"adeverinta-rol-fiscal/rol-fiscal"}, []string{"Str. Horea 12, ap. 4"}})
		if c, _ := a.Cases.Get(context.Background(), identity.VirtualClerk, found.ID); strings.Contains(c.DecisionReason, "150") {
			t.Errorf("the tax-roll certificate speaks of debts: %q", c.DecisionReason)
		}
		placesSays(t, "the tax-roll certificate", placesDocument(t, a, found),
			"Prin prezenta se adeverește că domnul Popescu Ion, CNP 1920822296090, figurează înscris în evidența fiscală a municipiului Cluj-Napoca (rolul fiscal), cu adresa: Str. Horea 12, ap. 4, Cluj-Napoca.",
			"nu atestă situația obligațiilor de plată", "Scopul declarat de solicitant: dosar de bursă.")
		placesCheck(t, a, "a company", company, placesWant{cases.Registered, []string{"adeverinta-rol-fiscal/persoana-juridica"}, nil})
		placesCheck(t, a, "someone else's CNP", stranger, placesWant{cases.Registered, []string{"adeverinta-rol-fiscal/identitate"}, nil})
		placesCheck(t, a, "another name in the form", otherName, placesWant{cases.Registered, []string{"adeverinta-rol-fiscal/identitate"}, nil})
		placesCheck(t, a, "no identifier", none, placesWant{cases.Registered, []string{"adeverinta-rol-fiscal/fara-identificator"}, nil})
		placesCheck(t, a, "another name in the roll", maiden, placesWant{cases.Registered, []string{"adeverinta-rol-fiscal/nume-diferit"}, nil})
		placesCheck(t, a, "no address in the roll", noAddress, placesWant{cases.Registered, []string{"adeverinta-rol-fiscal/fara-adresa"}, nil})
		placesCheck(t, a, "not in the roll", notInRoll, placesWant{cases.Registered, []string{"adeverinta-rol-fiscal/fara-rol"}, nil})
	})
}

const placesStreets = "street_code,name,type,old_names,renamed_on,decision,numbers\n" +
	"CJ0001,Unirii,piață,Piața Libertății,1990-01-19,Decizia nr. 4/1990 a Primăriei municipiului Cluj-Napoca,1-36\n" +
	"CJ0002,Avram Iancu,piață,Piața Victoriei,1990-01-19,Decizia nr. 4/1990 a Primăriei municipiului Cluj-Napoca,1-21\n" +
	"CJ0003,Avram Iancu,stradă,,,,1-33 impare; 2-26 pare\n" +
	"CJ0005,Eroilor,bulevard,Bulevardul Dr. Petru Groza,1990-01-19,Decizia nr. 4/1990 a Primăriei municipiului Cluj-Napoca,1-49 impare; 2-40 pare\n" +
	"CJ0009,Horea,stradă,,,,1-115 impare; 2-106 pare; 12A\n"

// placesPDF is enough of a PDF for the form's file check.
var placesPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

func TestVirtualClerkAddressCertificate(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		placesImport(t, a, "streets", placesStreets)
		ion := placesPerson(t, a, placesIon, "Ion Popescu")
		form := func(street, number string, formerNames bool) cases.Filing {
			return cases.Filing{Service: "adeverinta-adresa", Applicant: ion, Fields: map[string]any{
				"name": "Ion Popescu", "email": "ion@example.ro", "cnp": placesIon, "street": street, "number": number,
				"purpose": "notar", "former_names": formerNames, "cadastral_number": "273145"},
				Files: []cases.File{{Field: "ownership_document", Name: "extras-cf.pdf", Data: placesPDF}}}
		}
		current := placesFile(t, a, form("str horea", "12 a", false))
		former := placesFile(t, a, form("Bd. Dr. Petru Groza", "nr. 7", false))
		listed := placesFile(t, a, form("Piata Unirii", "3", true))
		unknown := placesFile(t, a, form("Strada Lenin", "3", false))
		noNumber := placesFile(t, a, form("Strada Horea", "12B", false))
		ambiguous := placesFile(t, a, form("Avram Iancu", "5", false))
		twice := placesFile(t, a, form("avram iancu", "5", false))
		denied := placesFile(t, a, form("Avram Iancu", "5", false))
		placesRun(t, a, 8)

		placesCheck(t, a, "current name", current, placesWant{cases.Decided, []string{"adeverinta-adresa/nomenclatura"}, []string{"Adresa oficială: Strada Horea nr. 12A."}})
		placesCheck(t, a, "former name", former, placesWant{cases.Decided, []string{"adeverinta-adresa/nomenclatura"},
			[]string{"Bulevardul Eroilor nr. 7", "„Bulevardul Dr. Petru Groza”, folosită în cerere", "la data de 19.01.1990, prin Decizia nr. 4/1990"}})
		placesSays(t, "the address certificate", placesDocument(t, a, former),
			"potrivit nomenclaturii stradale a municipiului Cluj-Napoca, aprobate prin hotărâri ale consiliului local, imobilul are adresa administrativă: Bulevardul Eroilor nr. 7.",
			"Denumirea „Bulevardul Dr. Petru Groza”, folosită în cerere, este o denumire anterioară a acestei străzi. Strada a primit denumirea actuală, „Bulevardul Eroilor”, la data de 19.01.1990, prin Decizia nr. 4/1990 a Primăriei municipiului Cluj-Napoca.",
			"Numărul cadastral indicat în cerere (273145) nu a fost verificat", "Scopul declarat de solicitant: La notar.")
		placesSays(t, "the certificate with the former names", placesDocument(t, a, listed),
			"Denumirile anterioare ale străzii: „Piața Libertății”. Strada a primit denumirea actuală, „Piața Unirii”, la data de 19.01.1990")
		placesCheck(t, a, "current name, former names asked", listed, placesWant{cases.Decided, []string{"adeverinta-adresa/nomenclatura"}, []string{"Piața Unirii nr. 3"}})
		placesCheck(t, a, "unknown street", unknown, placesWant{cases.Registered, []string{"adeverinta-adresa/strada-necunoscuta"}, nil})
		placesCheck(t, a, "no such number", noNumber, placesWant{cases.Registered, []string{"adeverinta-adresa/numar-inexistent"}, nil})

		// Two streets are called Avram Iancu: the applicant is asked which, answers,
		// and the certificate names the one the answer designates.
		placesCheck(t, a, "ambiguous", ambiguous, placesWant{cases.InfoRequested, []string{"adeverinta-adresa/strada-ambigua"}, nil})
		if _, err := a.Cases.Respond(ctx, testenv.User(t, a, identity.Citizen, ""), ambiguous.ID, "Piața Avram Iancu", nil); err == nil {
			t.Fatal("someone else answered the applicant's question")
		}
		if _, err := a.Cases.Respond(ctx, ion, ambiguous.ID, "Este Piața Avram Iancu, nr. 5", nil); err != nil {
			t.Fatal(err)
		}
		// An answer that does not settle it: the second question goes to a person.
		if _, err := a.Cases.Respond(ctx, ion, twice.ID, "Avram Iancu, lângă Teatrul Național", nil); err != nil {
			t.Fatal(err)
		}
		// An answer that denies is not read by a machine: "Piața Avram Iancu" is in it.
		if _, err := a.Cases.Respond(ctx, ion, denied.ID, "Nu Piața Avram Iancu, cealaltă.", nil); err != nil {
			t.Fatal(err)
		}
		placesRun(t, a, 3)
		placesCheck(t, a, "answered with a denial", denied, placesWant{cases.InProgress, []string{"adeverinta-adresa/strada-ambigua", "general/a-doua-cerere"}, nil})
		placesCheck(t, a, "answered", ambiguous, placesWant{cases.Decided, []string{"adeverinta-adresa/strada-ambigua", "adeverinta-adresa/nomenclatura"}, []string{"Piața Avram Iancu nr. 5"}})
		placesCheck(t, a, "answered without settling it", twice, placesWant{cases.InProgress, []string{"adeverinta-adresa/strada-ambigua", "general/a-doua-cerere"}, nil})
		// The question stopped the legal clock (the service allows it) and the case
		// is back with people, unassigned.
		if c, _ := a.Cases.Get(ctx, identity.VirtualClerk, twice.ID); c.AssigneeID != 0 || !c.PausedOn.IsZero() {
			t.Errorf("after the second question: %+v", c)
		}
	})
}

// A town square of 0.02° with a park cut out of it, and fields around it whose hole is
// the town.
const placesZoning = "zone_id,name,kind,polygon_wkt\n" +
	`INT,Intravilan Cluj-Napoca,intravilan,"POLYGON((23.58 46.76, 23.60 46.76, 23.60 46.78, 23.58 46.78, 23.58 46.76), (23.585 46.765, 23.585 46.767, 23.587 46.767, 23.587 46.765, 23.585 46.765))"` + "\n" +
	`PARC,Parcul Etnografic,extravilan,"POLYGON((23.585 46.765, 23.587 46.765, 23.587 46.767, 23.585 46.767, 23.585 46.765))"` + "\n" +
	`CAMP,Extravilan Dealul Feleacului,extravilan,"MULTIPOLYGON(((23.50 46.70, 23.70 46.70, 23.70 46.85, 23.50 46.85, 23.50 46.70), (23.58 46.76, 23.60 46.76, 23.60 46.78, 23.58 46.78, 23.58 46.76)))"` + "\n"

func TestVirtualClerkZoningCertificate(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		placesImport(t, a, "zoning", placesZoning)
		maria := placesPerson(t, a, placesMaria, "Maria Ionescu")
		form := func(lat, lon, cadastral string, files ...cases.File) cases.Filing {
			f := map[string]any{"name": "Maria Ionescu", "email": "maria@example.ro", "cnp": placesMaria, "cadastral_number": cadastral, "purpose": "notar"}
			if lat != "" {
				f["latitude"], f["longitude"] = lat, lon
			}
			return cases.Filing{Service: "adeverinta-intravilan-extravilan", Applicant: maria, Fields: f, Files: files}
		}
		town := placesFile(t, a, form("46,7712", "23,5911", "273145"))
		park := placesFile(t, a, form("46.76601", "23.58601", ""))
		fields := placesFile(t, a, form("46.800123", "23.650123", ""))
		border := placesFile(t, a, form("46.770123", "23.600001", "")) // 8 cm from the limit
		near := placesFile(t, a, form("46.771", "23.5995", ""))        // 38 m away, known to 56 m
		outside := placesFile(t, a, form("47.100123", "23.590123", ""))
		imprecise := placesFile(t, a, form("46.77", "23.59", "273145"))
		cadastralOnly := placesFile(t, a, form("", "", "273145"))
		withPlan := placesFile(t, a, form("", "", "", cases.File{Field: "plan", Name: "plan.pdf", Data: placesPDF}))
		planAnswer := placesFile(t, a, form("", "", "273145"))
		placesRun(t, a, 10)

		placesCheck(t, a, "in town", town, placesWant{cases.Decided, []string{"adeverinta-intravilan-extravilan/incadrare"}, []string{"Încadrare: intravilan, zona „Intravilan Cluj-Napoca”."}})
		placesSays(t, "the zoning certificate", placesDocument(t, a, town),
			"punctul de coordonate 46,771200° N, 23,591100° E (WGS84), indicat de solicitant pentru terenul cu numărul cadastral 273145, se află în intravilanul municipiului Cluj-Napoca, zona „Intravilan Cluj-Napoca” (cod INT)",
			"nu ține loc de certificat de urbanism")
		placesCheck(t, a, "in the park, a hole in the town", park, placesWant{cases.Decided, []string{"adeverinta-intravilan-extravilan/incadrare"}, []string{"extravilan, zona „Parcul Etnografic”"}})
		placesCheck(t, a, "in the fields", fields, placesWant{cases.Decided, []string{"adeverinta-intravilan-extravilan/incadrare"}, []string{"extravilan, zona „Extravilan Dealul Feleacului”"}})
		placesCheck(t, a, "on the limit", border, placesWant{cases.Registered, []string{"adeverinta-intravilan-extravilan/la-limita"}, nil})
		placesCheck(t, a, "imprecise near the limit", near, placesWant{cases.Registered, []string{"adeverinta-intravilan-extravilan/la-limita"}, nil})
		placesCheck(t, a, "outside the city", outside, placesWant{cases.Registered, []string{"adeverinta-intravilan-extravilan/in-afara"}, nil})
		placesCheck(t, a, "with a plan, no coordinates", withPlan, placesWant{cases.Registered, []string{"adeverinta-intravilan-extravilan/plan"}, nil})
		for name, c := range map[string]*cases.Case{"imprecise": imprecise, "cadastral number only": cadastralOnly, "to answer with a plan": planAnswer} {
			placesCheck(t, a, name, c, placesWant{cases.InfoRequested, []string{"adeverinta-intravilan-extravilan/fara-coordonate"}, nil})
		}
		// The question is what the applicant reads.
		events, _ := cases.Timeline(ctx, a.DB.Read(), cadastralOnly.ID)
		if last := events[len(events)-1]; last.Kind != "info_requested" || !strings.Contains(last.Reason, "latitudine și longitudine") {
			t.Fatalf("the question: %+v", last)
		}

		// She answers with the coordinates, decimal commas and all: resolved. The
		// second answers with a plan: a person reads it. The third answers without
		// coordinates: a second question would be one too many.
		if _, err := a.Cases.Respond(ctx, maria, cadastralOnly.ID, "Coordonatele sunt 46,771200, 23,591100 (din geoportal).", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.Respond(ctx, maria, planAnswer.ID, "", []cases.File{{Field: "answer", Name: "plan.pdf", Data: placesPDF}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.Respond(ctx, maria, imprecise.ID, "Nu știu mai exact, e lângă pădure.", nil); err != nil {
			t.Fatal(err)
		}
		placesRun(t, a, 3)
		placesCheck(t, a, "answered with coordinates", cadastralOnly, placesWant{cases.Decided,
			[]string{"adeverinta-intravilan-extravilan/fara-coordonate", "adeverinta-intravilan-extravilan/incadrare"}, []string{"intravilan"}})
		placesCheck(t, a, "answered with a plan", planAnswer, placesWant{cases.InProgress,
			[]string{"adeverinta-intravilan-extravilan/fara-coordonate", "adeverinta-intravilan-extravilan/plan"}, nil})
		placesCheck(t, a, "answered without coordinates", imprecise, placesWant{cases.InProgress,
			[]string{"adeverinta-intravilan-extravilan/fara-coordonate", "general/a-doua-cerere"}, nil})
		steps, _ := clerk.Steps(ctx, a.DB.Read(), cadastralOnly.ID)
		if !strings.Contains(string(steps[1].Inputs), `"from_answer":true`) {
			t.Errorf("the step does not record that the coordinates came from the answer: %s", steps[1].Inputs)
		}
	})
}

func TestVirtualClerkAgriculturalCertificate(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		placesImport(t, a, "agricultural-register", "cnp,name,position,address,land_ha,animals\n"+
			placesIon+",Ion Popescu,\"vol. 41, poz. 7\",\"Extravilan, Dealul Feleacului, tarlaua 12\",\"1,2500\",4 ovine; 12 păsări\n"+
			placesIon+",Ion Popescu,\"vol. 3, poz. 112\",\"Str. Horea nr. 12, Cluj-Napoca\",\"0,8500\",\n"+
			placesMaria+",Maria Pop,\"vol. 5, poz. 230\",\"Calea Dorobanților nr. 45\",\"0,3200\",\n")
		ion := placesPerson(t, a, placesIon, "Ion Popescu")
		maria := placesPerson(t, a, placesMaria, "Maria Ionescu")
		form := func(u *identity.User, name, cnp string) cases.Filing {
			return cases.Filing{Service: "adeverinta-registrul-agricol", Applicant: u, Fields: map[string]any{
				"name": name, "email": "x@example.ro", "cnp": cnp, "address": "Str. Horea nr. 12, Cluj-Napoca", "purpose": "apia"}}
		}
		own := placesFile(t, a, form(ion, "Ion Popescu", placesIon))
		others := placesFile(t, a, form(ion, "Ion Popescu", placesMaria)) // an heir, or a neighbour
		unverified := placesFile(t, a, form(testenv.User(t, a, identity.Citizen, ""), "Ion Popescu", placesIon))
		renamed := placesFile(t, a, form(maria, "Maria Ionescu", placesMaria))
		absent := placesFile(t, a, form(placesPerson(t, a, placesAna, "Ana Pop"), "Ana Pop", placesAna))
		placesRun(t, a, 5)

		// Both positions, the lower volume first, with the total land.
		placesCheck(t, a, "own entries", own, placesWant{cases.Decided, []string{"adeverinta-registrul-agricol/registru"},
			[]string{"vol. 3, poz. 112; vol. 41, poz. 7", "teren 2,1000 ha"}})
		placesCheck(t, a, "someone else's CNP", others, placesWant{cases.Registered, []string{"adeverinta-registrul-agricol/identitate"}, nil})
		placesCheck(t, a, "unverified account", unverified, placesWant{cases.Registered, []string{"adeverinta-registrul-agricol/identitate"}, nil})
		placesCheck(t, a, "another name in the register", renamed, placesWant{cases.Registered, []string{"adeverinta-registrul-agricol/nume-diferit"}, nil})
		placesCheck(t, a, "not in the register", absent, placesWant{cases.Registered, []string{"adeverinta-registrul-agricol/neinscris"}, nil})
		period := 2020 + 5*((time.Now().Year()-2020)/5)
		placesSays(t, "the agricultural certificate", placesDocument(t, a, own),
			fmt.Sprintf("Se adeverește că domnul Ion Popescu, CNP 1920822296090, figurează înscris în registrul agricol al municipiului Cluj-Napoca pentru perioada %d–%d, la pozițiile: vol. 3, poz. 112; vol. 41, poz. 7.", period, period+4),
			"Suprafața totală de teren înscrisă este de 2,1000 ha", "vol. 3, poz. 112 Str. Horea nr. 12, Cluj-Napoca 0,8500 —", "1,2500", "4 ovine; 12 păsări",
			"OG nr. 28/2008", "Scopul declarat de solicitant: Subvenții APIA.")
	})
}
