package clerk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
)

// Facts are what rules may read; field names in rules are the expr tags. Every
// case gets the applicant, the form, its files and the checks; the registers a
// service lists under `sources:` add their own part.
type Facts struct {
	Applicant ApplicantFacts    `expr:"applicant" json:"applicant"`
	Fields    map[string]string `expr:"fields" json:"fields"`
	// Files counts the files of the case by form field; "answer" holds those the
	// applicant sent when asked for more.
	Files  map[string]int `expr:"files" json:"files"`
	Checks CheckFacts     `expr:"checks" json:"checks"`
	// Today is the day the rules run, YYYY-MM-DD.
	Today string `expr:"today" json:"today"`
	// Asked is how many times the virtual civil servant already asked the applicant
	// for more on this case; a rule asks once, then leaves the case to a person.
	Asked int `expr:"asked" json:"asked"`

	Tax        TaxFacts        `expr:"tax" json:"tax"`
	Original   OriginalFacts   `expr:"original" json:"original"`
	Parking    ParkingFacts    `expr:"parking" json:"parking"`
	Vehicle    VehicleFacts    `expr:"vehicle" json:"vehicle"`
	Disability DisabilityFacts `expr:"disability" json:"disability"`
	Meeting    MeetingFacts    `expr:"meeting" json:"meeting"`
	Forward    ForwardFacts    `expr:"forward" json:"forward"`
	Streets    StreetFacts     `expr:"streets" json:"streets"`
	Zoning     ZoningFacts     `expr:"zoning" json:"zoning"`
	Agri       AgriFacts       `expr:"agri" json:"agri"`
	Permit     PermitFacts     `expr:"permit" json:"permit"`
}

// ApplicantFacts describe the account that filed the request.
type ApplicantFacts struct {
	CNPVerified bool   `expr:"cnp_verified" json:"cnp_verified"`
	CNP         string `expr:"cnp" json:"cnp"`
	Name        string `expr:"name" json:"name,omitempty"`
	// Age in whole years, from the CNP; -1 when unknown.
	Age int `expr:"age" json:"age"`
}

// CheckFacts are the completeness and consistency checks made on every request,
// beyond the form's own validation.
type CheckFacts struct {
	// Missing lists the file fields of the form that have no file.
	Missing []string `expr:"missing" json:"missing"`
	// IdentityConfirmed: the account's CNP is verified and is the CNP in the form
	// (true when the form asks for no CNP and the account is verified).
	IdentityConfirmed bool `expr:"identity_confirmed" json:"identity_confirmed"`
	// NameMatches: the name in the form is the account's name (diacritics, case and
	// order of the names aside); true when either is missing.
	NameMatches bool `expr:"name_matches" json:"name_matches"`
	// CNPValid: every CNP in the form is valid and not of a person born in the future.
	CNPValid bool `expr:"cnp_valid" json:"cnp_valid"`
}

// TaxFacts come from the local tax roll, for the CNP or CUI in the form.
type TaxFacts struct {
	Found   bool    `expr:"found" json:"found"`
	DebtLei float64 `expr:"debt_lei" json:"debt_lei"`
	Name    string  `expr:"name" json:"name,omitempty"`
	Address string  `expr:"address" json:"address,omitempty"`
}

// A gatherer fills the part of the facts one register gives, for a case.
type gatherer func(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error

// gatherers are the registers a service may list under `sources:`.
var gatherers = map[string]gatherer{
	"tax-roll":                gatherTax,
	"issued-documents":        gatherOriginal,
	"parking-zones":           gatherParking,
	"vehicles":                gatherVehicle,
	"disability-certificates": gatherDisability,
	"meeting-slots":           gatherMeeting,
	"institutions":            gatherInstitutions,
	"streets":                 gatherStreets,
	"zoning":                  gatherZoning,
	"agricultural-register":   gatherAgri,
	"building-permits":        gatherPermit,
}

// Answer is what a resolved case's document says, and the written reason of the
// decision.
type Answer struct {
	Reason     string     // the decision's reason, in Romanian
	Paragraphs []string   // the document's body
	Table      [][]string // optional, first row the header
	Outcome    cases.Outcome
}

// An answerer writes the answer of a service its rules resolved. It may also act
// (book a slot, record a card): it must then be idempotent per case, because a job
// can run again after a crash. It returns a *Doubt to leave the case to a person.
type answerer func(ctx context.Context, w *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error)

// answerers are by service code; a service without one answers with the rule's
// explanation.
var answerers = map[string]answerer{
	"certificat-fiscal":                answerTaxCertificate,
	"duplicat-document-emis":           answerDuplicate,
	"abonament-parcare-rezidentiala":   answerParking,
	"card-parcare-handicap":            answerDisabilityCard,
	"programare-intalnire-functionar":  answerMeeting,
	"adeverinta-rol-fiscal":            answerTaxRoll,
	"adeverinta-adresa":                answerAddress,
	"adeverinta-intravilan-extravilan": answerZoning,
	"adeverinta-registrul-agricol":     answerAgri,
	"comunicare-incepere-lucrari":      answerWorksStarted,
	"comunicare-incheiere-lucrari":     answerWorksCompleted,
}

// Doubt stops an automatic answer: the case goes to a person, with the reason.
type Doubt struct {
	Rule    string // e.g. "programare/fara-loc"
	Explain catalog.Text
}

func (d *Doubt) Error() string { return "doubt: " + d.Rule }

// facts gathers what the rules of svc read about case c.
func (w *Worker) facts(ctx context.Context, c *cases.Case, svc *catalog.Service) (Facts, error) {
	f := Facts{Fields: c.Fields, Files: map[string]int{}, Today: calendar.FormatDate(calendar.Civil(w.now()))}
	if f.Fields == nil {
		f.Fields = map[string]string{}
	}
	f.Applicant.Age = -1
	if c.ApplicantID != 0 {
		u, err := identity.UserByID(ctx, w.db.Read(), c.ApplicantID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return f, err
		}
		if u != nil {
			f.Applicant = ApplicantFacts{CNPVerified: u.CNPVerified, CNP: u.CNP, Name: u.Name, Age: ageOn(u.CNP, calendar.Civil(w.now()))}
		}
	}
	files, err := cases.Files(ctx, w.db.Read(), c.ID)
	if err != nil {
		return f, err
	}
	for _, file := range files {
		f.Files[file.Field]++
	}
	if err := w.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM clerk_steps WHERE case_id = $1 AND outcome = $2`, c.ID, catalog.RuleAsk).Scan(&f.Asked); err != nil {
		return f, err
	}
	f.Checks = check(svc, &f)
	for _, name := range svc.Sources {
		g, ok := gatherers[name]
		if !ok {
			return f, fmt.Errorf("service %s reads unknown source %q", svc.Code, name)
		}
		if err := g(ctx, w, c, &f); err != nil {
			return f, fmt.Errorf("source %s: %w", name, err)
		}
	}
	return f, nil
}

// check makes the checks every request gets.
func check(svc *catalog.Service, f *Facts) CheckFacts {
	ch := CheckFacts{CNPValid: true, NameMatches: true}
	for _, fl := range svc.Fields {
		switch fl.Type {
		case catalog.FieldFile:
			if f.Files[fl.Key] == 0 {
				ch.Missing = append(ch.Missing, fl.Key)
			}
		case catalog.FieldCNP:
			if v := f.Fields[fl.Key]; v != "" && ident.CNP(v) != nil {
				ch.CNPValid = false
			}
		}
	}
	cnp := f.Fields["cnp"]
	ch.IdentityConfirmed = f.Applicant.CNPVerified && f.Applicant.CNP != "" && (cnp == "" || cnp == f.Applicant.CNP)
	if name := f.Fields["name"]; name != "" && f.Applicant.Name != "" {
		ch.NameMatches = sameName(name, f.Applicant.Name)
	}
	return ch
}

// sameName compares two person names regardless of diacritics, case, hyphens and
// the order of the names ("Popescu Ion" is "Ion Popescu").
func sameName(a, b string) bool {
	words := func(s string) map[string]int {
		m := map[string]int{}
		for _, w := range strings.FieldsFunc(strings.ToLower(foldDiacritics(s)), func(r rune) bool { return r == ' ' || r == '-' || r == ',' || r == '.' }) {
			m[w]++
		}
		return m
	}
	wa, wb := words(a), words(b)
	if len(wa) != len(wb) {
		return false
	}
	for w, n := range wa {
		if wb[w] != n {
			return false
		}
	}
	return true
}

var diacritics = strings.NewReplacer("ă", "a", "â", "a", "î", "i", "ș", "s", "ş", "s", "ț", "t", "ţ", "t",
	"Ă", "A", "Â", "A", "Î", "I", "Ș", "S", "Ş", "S", "Ț", "T", "Ţ", "T", "á", "a", "é", "e", "í", "i", "ó", "o", "ö", "o", "ő", "o", "ú", "u", "ü", "u", "ű", "u")

func foldDiacritics(s string) string { return diacritics.Replace(s) }

// ageOn is the age in whole years on day of the holder of a valid CNP, or -1.
func ageOn(cnp string, day time.Time) int {
	born, err := ident.CNPBirthDate(cnp)
	if err != nil || born.After(day) {
		return -1
	}
	age := day.Year() - born.Year()
	if day.Month() < born.Month() || (day.Month() == born.Month() && day.Day() < born.Day()) {
		age--
	}
	return age
}

func gatherTax(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	id := c.Fields["cnp"]
	if id == "" {
		id = c.Fields["cui"]
	}
	if id == "" {
		return nil
	}
	rec, err := sources.TaxRecordFor(ctx, w.db.Read(), id)
	switch {
	case err == nil:
		f.Tax = TaxFacts{Found: true, DebtLei: float64(rec.DebtBani) / 100, Name: rec.Name, Address: rec.Address}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return nil
}

// answerTaxCertificate states the debts found in the tax roll, or that there are none.
func answerTaxCertificate(_ context.Context, _ *Worker, _ *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	a := Answer{Reason: strings.TrimSpace(r.Explain.RO + " " + debtSentence(f.Tax)), Paragraphs: []string{r.Explain.RO}}
	if f.Tax.Found {
		a.Paragraphs = append(a.Paragraphs, debtSentence(f.Tax))
		a.Table = [][]string{{"Contribuabil", "Obligații restante (lei)"}, {f.Tax.Name, Lei(f.Tax.DebtLei)}}
	}
	return a, nil
}

func debtSentence(t TaxFacts) string {
	if !t.Found {
		return ""
	}
	if t.DebtLei == 0 {
		return "Nu există obligații de plată restante la bugetul local."
	}
	return fmt.Sprintf("Obligații de plată restante la bugetul local: %s lei.", Lei(t.DebtLei))
}

// Lei formats an amount the Romanian way, with a decimal comma: 125,50.
func Lei(v float64) string { return strings.Replace(fmt.Sprintf("%.2f", v), ".", ",", 1) }
