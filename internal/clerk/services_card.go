package clerk

// Parking card for people with disabilities (card-legitimație de parcare, Legea
// 448/2006 art. 65 alin. (2)), issued on a disability certificate found in force in
// the DGASPC register.

import (
	"context"
	"fmt"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/sources"
)

// cardMaxYears bounds a card's validity: the card lasts as long as the certificate
// it rests on, and a certificate without a term still gives a card that must be
// renewed (with a new photo) after this many years.
const cardMaxYears = 5

// DisabilityFacts come from the DGASPC register of disability certificates, for the
// CNP in the form (source disability-certificates).
type DisabilityFacts struct {
	// Found: the register has a certificate for the CNP, in force or not.
	Found bool `expr:"found" json:"found"`
	// Valid: one of them is in force today; the fields below describe it (or,
	// when none is, the most recent one).
	Valid         bool   `expr:"valid" json:"valid"`
	CertificateNo string `expr:"certificate_no" json:"certificate_no,omitempty"`
	Grade         string `expr:"grade" json:"grade,omitempty"`
	IssuedOn      string `expr:"issued_on" json:"issued_on,omitempty"`
	ValidUntil    string `expr:"valid_until" json:"valid_until,omitempty"` // empty: permanent
	Permanent     bool   `expr:"permanent" json:"permanent"`
	// NameMatches: the register's name is the name in the form.
	NameMatches bool `expr:"name_matches" json:"name_matches"`
}

func gatherDisability(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	cnp := c.Fields["cnp"]
	if cnp == "" {
		return nil
	}
	certs, err := sources.DisabilityCertificates(ctx, w.db.Read(), cnp)
	if err != nil || len(certs) == 0 {
		return err
	}
	cert, valid := sources.ValidCertificate(certs, f.Today)
	if !valid {
		cert = certs[0]
	}
	f.Disability = DisabilityFacts{Found: true, Valid: valid, CertificateNo: cert.Number, Grade: cert.Grade, IssuedOn: cert.IssuedOn,
		ValidUntil: cert.ValidUntil, Permanent: cert.Permanent(), NameMatches: sameName(cert.Name, c.Fields["name"])}
	return nil
}

// gradeRO names a degree of disability as the certificate does.
var gradeRO = map[string]string{"grav": "grav", "accentuat": "accentuat", "mediu": "mediu", "usor": "ușor"}

// answerDisabilityCard states the card's grant, the certificate it rests on and
// how long the card is valid.
func answerDisabilityCard(_ context.Context, _ *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	today, err := calendar.ParseDate(f.Today)
	if err != nil {
		return Answer{}, err
	}
	limit := calendar.FormatDate(today.AddDate(cardMaxYears, 0, -1))
	until, certTerm := f.Disability.ValidUntil, "valabil până la "+dayDate(f.Disability.ValidUntil)
	if f.Disability.Permanent {
		certTerm = "fără termen de valabilitate"
	}
	if until == "" || until > limit {
		until = limit
	}
	name := c.Fields["name"]
	a := Answer{
		Reason: fmt.Sprintf("Se eliberează cardul-legitimație de parcare pentru persoane cu handicap, valabil până la %s, pe baza certificatului de încadrare în grad de handicap nr. %s.",
			dayDate(until), f.Disability.CertificateNo),
		Paragraphs: []string{
			fmt.Sprintf("În temeiul art. 65 alin. (2) din Legea nr. 448/2006 privind protecția și promovarea drepturilor persoanelor cu handicap, se eliberează cardul-legitimație pentru locurile gratuite de parcare titularului %s.", name),
			fmt.Sprintf("Temeiul acordării este certificatul de încadrare în grad de handicap nr. %s din %s, grad %s, %s, care figurează în evidența Direcției Generale de Asistență Socială și Protecția Copilului.",
				f.Disability.CertificateNo, dayDate(f.Disability.IssuedOn), gradeRO[f.Disability.Grade], certTerm),
			fmt.Sprintf("Cardul-legitimație este valabil până la %s. Se reînnoiește la cerere, pe baza certificatului în vigoare.", dayDate(until)),
			"Cardul se ridică de la sediul Direcției de Asistență Socială și Medicală, pe baza actului de identitate al titularului sau al reprezentantului său legal. Se afișează în partea din față a autovehiculului care îl transportă pe titular, cu fața vizibilă pentru control, și se folosește numai atunci când titularul este transportat; este recunoscut și în celelalte state ale Uniunii Europene.",
		},
		Table: [][]string{{"Titular", "Certificat de handicap", "Gradul", "Card valabil până la"},
			{name, f.Disability.CertificateNo, gradeRO[f.Disability.Grade], dayDate(until)}},
	}
	return a, nil
}
