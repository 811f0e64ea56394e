package clerk

import (
	"context"
	"fmt"
	"strings"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/sources"
)

// PermitFacts come from the register of building permits, for the permit named in
// a notice of start or end of works.
type PermitFacts struct {
	// Given: the form names a permit in a form we can read ("567 din 10.04.2026").
	Given bool `expr:"given" json:"given"`
	// Found: exactly one permit matches; Ambiguous: several do (same number in
	// different years, and the form gave no date).
	Found     bool `expr:"found" json:"found"`
	Ambiguous bool `expr:"ambiguous" json:"ambiguous"`
	// HolderIsApplicant: the permit's holder is the applicant's verified CNP.
	HolderIsApplicant bool `expr:"holder_is_applicant" json:"holder_is_applicant"`
	// ValidOnStart: the start date in the form is no later than the permit's
	// validity (Legea 50/1991 art. 7: works start while the permit is valid).
	ValidOnStart bool   `expr:"valid_on_start" json:"valid_on_start"`
	Number       string `expr:"number" json:"number,omitempty"`
	IssuedOn     string `expr:"issued_on" json:"issued_on,omitempty"`
	ValidUntil   string `expr:"valid_until" json:"valid_until,omitempty"`
	Address      string `expr:"address" json:"address,omitempty"`
	Works        string `expr:"works" json:"works,omitempty"`
}

func gatherPermit(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	number, issued, ok := sources.ParsePermitReference(c.Fields["permit_number"])
	if !ok {
		return nil
	}
	f.Permit.Given = true
	permits, err := sources.PermitsFor(ctx, w.db.Read(), number, issued)
	if err != nil {
		return err
	}
	switch {
	case len(permits) > 1:
		f.Permit.Ambiguous = true
		return nil
	case len(permits) == 0:
		return nil
	}
	p := permits[0]
	f.Permit.Found = true
	f.Permit.Number, f.Permit.IssuedOn, f.Permit.ValidUntil = p.Number, calendar.FormatDate(p.IssuedOn), calendar.FormatDate(p.ValidUntil)
	f.Permit.Address, f.Permit.Works = p.Address, p.Works
	f.Permit.HolderIsApplicant = f.Applicant.CNPVerified && f.Applicant.CNP != "" && p.HolderIdentifier == f.Applicant.CNP
	if start, err := calendar.ParseDate(c.Fields["start_date"]); err == nil {
		f.Permit.ValidOnStart = !start.After(p.ValidUntil)
	}
	return nil
}

// roDate turns YYYY-MM-DD into the Romanian 23.11.2026.
func roDate(iso string) string {
	d, err := calendar.ParseDate(iso)
	if err != nil {
		return iso
	}
	return d.Format("02.01.2006")
}

func permitLine(p PermitFacts) string {
	return fmt.Sprintf("Autorizația de construire nr. %s din %s", p.Number, roDate(p.IssuedOn))
}

// answerWorksStarted acknowledges a notice of start of works (Legea 50/1991 art. 7
// alin. (8)): the notice is registered; nothing is to be approved.
func answerWorksStarted(_ context.Context, _ *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	p := f.Permit
	start := roDate(c.Fields["start_date"])
	a := Answer{Reason: fmt.Sprintf("Comunicarea de începere a lucrărilor a fost înregistrată: %s, imobilul din %s, începerea la %s.", permitLine(p), p.Address, start)}
	a.Paragraphs = []string{
		fmt.Sprintf("Confirmăm înregistrarea comunicării privind începerea execuției lucrărilor autorizate prin %s, pentru imobilul din %s (%s).", strings.ToLower(permitLine(p)[:1])+permitLine(p)[1:], p.Address, p.Works),
		fmt.Sprintf("Data declarată a începerii lucrărilor este %s. Autorizația este valabilă pentru începerea lucrărilor până la %s; durata de execuție stabilită prin autorizație curge de la data începerii.", start, roDate(p.ValidUntil)),
		"Potrivit art. 7 din Legea nr. 50/1991, aceeași comunicare se transmite și Inspectoratului Teritorial în Construcții. La încheierea lucrărilor, anunțați primăria prin comunicarea de încheiere a lucrărilor.",
		r.Explain.RO,
	}
	a.Table = [][]string{{"Element", "Date"}, {"Autorizație", fmt.Sprintf("nr. %s din %s", p.Number, roDate(p.IssuedOn))}, {"Imobil", p.Address}, {"Data începerii", start}}
	if v := c.Fields["contractor"]; v != "" {
		a.Table = append(a.Table, []string{"Constructor", v})
	}
	if v := c.Fields["site_supervisor"]; v != "" {
		a.Table = append(a.Table, []string{"Diriginte de șantier", v})
	}
	return a, nil
}

// answerWorksCompleted acknowledges a notice of completion of works and reminds
// the holder of the declaration of the final value, which adjusts the permit fee.
func answerWorksCompleted(_ context.Context, _ *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	p := f.Permit
	end := roDate(c.Fields["completion_date"])
	a := Answer{Reason: fmt.Sprintf("Comunicarea de încheiere a lucrărilor a fost înregistrată: %s, imobilul din %s, încheierea la %s.", permitLine(p), p.Address, end)}
	value := "nedeclarată"
	if v := c.Fields["final_value"]; v != "" {
		value = v + " lei"
	}
	a.Paragraphs = []string{
		fmt.Sprintf("Confirmăm înregistrarea comunicării privind încheierea lucrărilor executate în baza %s, pentru imobilul din %s (%s), împreună cu procesul-verbal de recepție.", strings.ToLower(permitLine(p)[:1])+permitLine(p)[1:], p.Address, p.Works),
		fmt.Sprintf("Data declarată a încheierii lucrărilor este %s. Valoarea finală a lucrărilor: %s.", end, value),
		"Taxa pentru autorizația de construire se regularizează după valoarea finală a lucrărilor: declarația privind valoarea finală se depune la Direcția Taxe și Impozite Locale în 15 zile de la data încheierii lucrărilor (Legea nr. 227/2015 privind Codul fiscal, art. 474). Construcția nouă sau modificată se declară și pentru impozitul pe clădiri în 30 de zile de la data încheierii.",
		r.Explain.RO,
	}
	a.Table = [][]string{{"Element", "Date"}, {"Autorizație", fmt.Sprintf("nr. %s din %s", p.Number, roDate(p.IssuedOn))}, {"Imobil", p.Address}, {"Data încheierii", end}, {"Valoarea finală", value}}
	return a, nil
}
