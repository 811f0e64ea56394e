package clerk

// Services the virtual civil servant resolves from the city's own records: the
// duplicate of a document it issued (here), residential parking
// (services_parking.go), the disabled parking card (services_card.go) and the online
// meeting with the case officer (services_meeting.go).

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// OriginalFacts describe the document whose duplicate is asked for (source
// issued-documents: the documents the city hall issued, our own table). Its details
// are filled only when it is the applicant's own, so that a step's inputs never
// carry someone else's data.
type OriginalFacts struct {
	Found bool `expr:"found" json:"found"`
	// Own: issued on a request of the same account, or of the same CNP when the
	// applicant's identity is confirmed.
	Own      bool   `expr:"own" json:"own"`
	Revoked  bool   `expr:"revoked" json:"revoked"`
	Number   string `expr:"number" json:"number,omitempty"`
	Kind     string `expr:"kind" json:"kind,omitempty"`
	IssuedOn string `expr:"issued_on" json:"issued_on,omitempty"`
}

// verificationCode is the shape of documents.NewCode.
var verificationCode = regexp.MustCompile(`^[a-z2-7]{16}$`)

// issuedDocument finds a document by what a citizen copies from it: its
// verification code, the verification link, or its registry number.
func issuedDocument(ctx context.Context, q store.Querier, ref string) (*documents.Issued, error) {
	ref = strings.TrimSpace(ref)
	if _, after, ok := strings.Cut(ref, "/verify/"); ok {
		ref = strings.Trim(after, "/ ")
	}
	if code := strings.ToLower(ref); verificationCode.MatchString(code) {
		return documents.ByCode(ctx, q, code)
	}
	var code string
	if err := q.QueryRowContext(ctx, `SELECT code FROM issued_documents WHERE number = $1 ORDER BY id DESC LIMIT 1`, ref).Scan(&code); err != nil {
		return nil, store.Map(err)
	}
	return documents.ByCode(ctx, q, code)
}

// original returns the document a duplicate is asked for and the case it answered.
func (w *Worker) original(ctx context.Context, c *cases.Case) (*documents.Issued, *cases.Case, error) {
	d, err := issuedDocument(ctx, w.db.Read(), c.Fields["document"])
	if err != nil {
		return nil, nil, err
	}
	oc, err := w.cases.Get(ctx, identity.VirtualClerk, d.CaseID) // the read is audited
	if err != nil {
		return nil, nil, err
	}
	return d, oc, nil
}

func gatherOriginal(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	d, oc, err := w.original(ctx, c)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	f.Original.Found = true
	sameAccount := c.ApplicantID != 0 && oc.ApplicantID == c.ApplicantID
	sameCNP := f.Checks.IdentityConfirmed && oc.Fields["cnp"] != "" && oc.Fields["cnp"] == f.Applicant.CNP
	if oc.ID == c.ID || !(sameAccount || sameCNP) {
		return nil
	}
	f.Original = OriginalFacts{Found: true, Own: true, Revoked: !d.RevokedAt.IsZero(), Number: d.Number, Kind: d.Kind,
		IssuedOn: calendar.FormatDate(calendar.Civil(d.IssuedAt))}
	return nil
}

// answerDuplicate restates the original document: number, date, kind, holder and
// the content of its decision, marked DUPLICAT.
func answerDuplicate(ctx context.Context, w *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	d, oc, err := w.original(ctx, c)
	if err != nil {
		return Answer{}, err
	}
	dept := d.Department
	if dd, ok := w.catalog.Department(d.Department); ok {
		dept = dd.Name.RO
	}
	issued := shortDate(d.IssuedAt)
	reason := fmt.Sprintf("Se eliberează duplicatul documentului nr. %s din %s (%s), emis pe numele %s.", d.Number, issued, d.Kind, d.Holder)
	paragraphs := []string{
		"DUPLICAT",
		fmt.Sprintf("Prezentul document este duplicatul documentului „%s” nr. %s din %s, emis de %s pe numele %s, ca răspuns la cererea nr. %s.",
			d.Kind, d.Number, issued, dept, d.Holder, oc.Number),
		"Conținutul documentului original: " + oc.DecisionReason,
		fmt.Sprintf("Duplicatul se eliberează la cererea titularului, înregistrată cu nr. %s%s. Are aceeași valoare ca documentul original; autenticitatea lui se verifică prin codul QR sau la adresa tipărită în subsolul paginii.",
			c.Number, duplicateMotive(c.Fields["motive"])),
	}
	table := [][]string{{"Documentul original", "Data emiterii", "Tipul documentului", "Titular"}, {d.Number, issued, d.Kind, d.Holder}}
	return Answer{Reason: reason, Paragraphs: paragraphs, Table: table}, nil
}

// duplicateMotive is the reason the applicant gave, as a clause of a sentence.
func duplicateMotive(v string) string {
	switch v {
	case "pierdut":
		return ", deoarece originalul a fost pierdut"
	case "deteriorat":
		return ", deoarece originalul a fost deteriorat"
	case "exemplar-suplimentar":
		return ", pentru un exemplar suplimentar"
	}
	return ""
}

// shortDate writes an instant's Bucharest date as Romanian documents do: 23.11.2026.
func shortDate(t time.Time) string { return calendar.Civil(t).Format("02.01.2006") }

// dayDate writes a civil date YYYY-MM-DD as 23.11.2026; other text is kept.
func dayDate(day string) string {
	d, err := calendar.ParseDate(day)
	if err != nil {
		return day
	}
	return d.Format("02.01.2006")
}

var (
	weekdaysRO = [...]string{"duminică", "luni", "marți", "miercuri", "joi", "vineri", "sâmbătă"}
	monthsRO   = [...]string{"ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie", "octombrie", "noiembrie", "decembrie"}
)

// longDate writes a date as a letter does: marți, 1 decembrie 2026.
func longDate(t time.Time) string {
	return fmt.Sprintf("%s, %d %s %d", weekdaysRO[t.Weekday()], t.Day(), monthsRO[t.Month()-1], t.Year())
}

// minutesRO is "15 minute", "30 de minute": Romanian puts "de" after numbers from 20.
func minutesRO(n int) string {
	if n%100 == 0 || n%100 >= 20 {
		return fmt.Sprintf("%d de minute", n)
	}
	return fmt.Sprintf("%d minute", n)
}
