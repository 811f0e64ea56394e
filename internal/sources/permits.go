package sources

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/store"
)

// Permit is a building or demolition permit the city issued.
type Permit struct {
	Number           string
	IssuedOn         time.Time
	HolderIdentifier string // CNP or CUI
	HolderName       string
	Address          string
	Works            string
	ValidUntil       time.Time // the works must start by this day
}

var buildingPermits = &register{
	table:   "source_building_permits",
	header:  []string{"permit_number", "issued_on", "holder_identifier", "holder_name", "address", "works", "valid_until"},
	columns: []string{"permit_number", "issued_on", "holder_identifier", "holder_name", "address", "works", "valid_until"},
	parse: func(rec []string) ([]any, string, error) {
		if !permitNumber.MatchString(rec[0]) {
			return nil, "", fmt.Errorf("permit_number %q: want the permit's number, e.g. 567", rec[0])
		}
		issued, err := calendar.ParseDate(rec[1])
		if err != nil {
			return nil, "", fmt.Errorf("issued_on %q: want a date YYYY-MM-DD", rec[1])
		}
		holder, err := Identifier(rec[2])
		if err != nil {
			return nil, "", err
		}
		if rec[3] == "" || rec[4] == "" || rec[5] == "" {
			return nil, "", errors.New("holder_name, address and works must not be empty")
		}
		until, err := calendar.ParseDate(rec[6])
		if err != nil || until.Before(issued) {
			return nil, "", fmt.Errorf("valid_until %q: want a date YYYY-MM-DD after issued_on", rec[6])
		}
		return []any{rec[0], rec[1], holder, rec[3], rec[4], rec[5], rec[6]}, "permit " + rec[0] + " of " + rec[1], nil
	},
}

var permitNumber = regexp.MustCompile(`^[0-9]{1,7}$`)

// permitReference reads what people write for a permit: "567", "567/10.04.2026",
// "nr. 567 din 10.04.2026", "AC 567 din 2026-04-10". The date is zero when absent.
var permitReference = regexp.MustCompile(`(?i)^\s*(?:a\.?c\.?|autoriza[tț]ia(?: de construire)?)?\s*(?:nr\.?)?\s*([0-9]{1,7})\s*(?:(?:/|din|from|-)\s*([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4})|(?:/|din|from)\s*([0-9]{4})-([0-9]{2})-([0-9]{2}))?\s*$`)

// ParsePermitReference splits a permit reference into its number and, if given,
// its date.
func ParsePermitReference(s string) (number string, issued time.Time, ok bool) {
	m := permitReference.FindStringSubmatch(s)
	if m == nil {
		return "", time.Time{}, false
	}
	var day string
	switch {
	case m[4] != "":
		day = fmt.Sprintf("%s-%02s-%02s", m[4], m[3], m[2])
	case m[5] != "":
		day = m[5] + "-" + m[6] + "-" + m[7]
	}
	if day != "" {
		d, err := calendar.ParseDate(strings.ReplaceAll(day, " ", "0"))
		if err != nil {
			return "", time.Time{}, false
		}
		issued = d
	}
	return strings.TrimLeft(m[1], "0"), issued, m[1] != ""
}

// PermitsFor returns the permits with a number (and the date, unless zero);
// several permits can share a number across years.
func PermitsFor(ctx context.Context, q store.Querier, number string, issued time.Time) ([]Permit, error) {
	query := `SELECT permit_number, issued_on, holder_identifier, holder_name, address, works, valid_until
		FROM source_building_permits WHERE permit_number = $1`
	args := []any{number}
	if !issued.IsZero() {
		query += ` AND issued_on = $2`
		args = append(args, calendar.FormatDate(issued))
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY issued_on DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Permit
	for rows.Next() {
		var p Permit
		var issuedOn, until string
		if err := rows.Scan(&p.Number, &issuedOn, &p.HolderIdentifier, &p.HolderName, &p.Address, &p.Works, &until); err != nil {
			return nil, err
		}
		p.IssuedOn, _ = calendar.ParseDate(issuedOn)
		p.ValidUntil, _ = calendar.ParseDate(until)
		out = append(out, p)
	}
	return out, rows.Err()
}
