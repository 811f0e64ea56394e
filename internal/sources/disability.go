package sources

// The register of disability certificates (certificate de încadrare în grad de
// handicap) the county's DGASPC evaluation commission issued, exported to the city
// hall so that a card or a right that needs the certificate is granted without
// asking the citizen for a copy.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/store"
)

// DisabilityCertificate is one certificate in the register.
type DisabilityCertificate struct {
	CNP    string
	Name   string
	Number string // e.g. 4512/2025
	// IssuedOn and ValidUntil are YYYY-MM-DD; ValidUntil is empty for a certificate
	// without a term (permanent).
	IssuedOn   string
	ValidUntil string
	Grade      string // grav, accentuat, mediu, usor
}

// Permanent reports whether the certificate has no term.
func (c DisabilityCertificate) Permanent() bool { return c.ValidUntil == "" }

// ValidOn reports whether the certificate is in force on day (YYYY-MM-DD).
func (c DisabilityCertificate) ValidOn(day string) bool {
	return c.IssuedOn <= day && (c.Permanent() || c.ValidUntil >= day)
}

// grades are the degrees of disability of Legea 448/2006, art. 86.
var grades = map[string]string{"grav": "grav", "accentuat": "accentuat", "mediu": "mediu", "usor": "usor", "ușor": "usor", "uşor": "usor"}

var disabilityCertificates = &register{
	table:   "source_disability_certificates",
	header:  []string{"cnp", "name", "certificate_no", "issued_on", "valid_until", "grade"},
	columns: []string{"cnp", "name", "certificate_no", "issued_on", "valid_until", "grade"},
	parse: func(rec []string) ([]any, string, error) {
		cnp, err := ident.NormalizeCNP(rec[0])
		if err != nil {
			return nil, "", fmt.Errorf("cnp %q is not a valid CNP", rec[0])
		}
		if rec[1] == "" {
			return nil, "", errors.New("the name is empty")
		}
		if rec[2] == "" {
			return nil, "", errors.New("the certificate number is empty")
		}
		issued, err := calendar.ParseDate(rec[3])
		if err != nil {
			return nil, "", fmt.Errorf("issued_on %q: want a date YYYY-MM-DD", rec[3])
		}
		until := strings.ToLower(rec[4])
		if until == "permanent" {
			until = ""
		}
		if until != "" {
			end, err := calendar.ParseDate(until)
			if err != nil {
				return nil, "", fmt.Errorf("valid_until %q: want a date YYYY-MM-DD, or permanent", rec[4])
			}
			if end.Before(issued) {
				return nil, "", fmt.Errorf("valid_until %s is before issued_on %s", rec[4], rec[3])
			}
		}
		grade, ok := grades[strings.ToLower(rec[5])]
		if !ok {
			return nil, "", fmt.Errorf("grade %q: want grav, accentuat, mediu or usor", rec[5])
		}
		return []any{cnp, rec[1], rec[2], calendar.FormatDate(issued), until, grade}, "certificate " + rec[2], nil
	},
}

// DisabilityCertificates returns the certificates of a CNP, the most recent first.
func DisabilityCertificates(ctx context.Context, q store.Querier, cnp string) ([]DisabilityCertificate, error) {
	rows, err := q.QueryContext(ctx, `SELECT cnp, name, certificate_no, issued_on, valid_until, grade FROM source_disability_certificates
		WHERE cnp = $1 ORDER BY issued_on DESC, certificate_no`, strings.TrimSpace(cnp))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DisabilityCertificate
	for rows.Next() {
		var c DisabilityCertificate
		if err := rows.Scan(&c.CNP, &c.Name, &c.Number, &c.IssuedOn, &c.ValidUntil, &c.Grade); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ValidCertificate picks, of certs, the one in force on day that lasts longest (a
// permanent one first); ok is false if none is in force.
func ValidCertificate(certs []DisabilityCertificate, day string) (best DisabilityCertificate, ok bool) {
	for _, c := range certs {
		if !c.ValidOn(day) {
			continue
		}
		if !ok || c.Permanent() || (!best.Permanent() && c.ValidUntil > best.ValidUntil) {
			best, ok = c, true
		}
	}
	return best, ok
}
