// Package ident checks Romanian identifiers: the personal numeric code (CNP),
// the company fiscal code (CUI/CIF) and Romanian bank account numbers (IBAN).
//
// Every check returns nil or one of the sentinel errors below, so callers can
// tell the citizen exactly what is wrong, in their language, using Code.
package ident

// Error is the reason an identifier is not valid. The values are sentinels:
// compare with errors.Is. Code is stable and safe to use as a translation key.
type Error struct {
	// Code is a short stable name: "length", "format", "checksum", "date",
	// "county" or "country".
	Code string
	msg  string
}

// Error returns the reason in English, for logs.
func (e *Error) Error() string { return "ident: " + e.msg }

// The reasons an identifier can be rejected.
var (
	// ErrLength: the identifier has the wrong number of characters.
	ErrLength = &Error{Code: "length", msg: "wrong length"}
	// ErrFormat: characters that do not belong (letters in a CNP, a leading
	// zero in a CUI, a CNP whose first digit or serial number is 0, ...).
	ErrFormat = &Error{Code: "format", msg: "wrong format"}
	// ErrChecksum: the check digits do not match the rest.
	ErrChecksum = &Error{Code: "checksum", msg: "check digit does not match"}
	// ErrDate: the birth date in a CNP is not a real date, or is in the future.
	ErrDate = &Error{Code: "date", msg: "birth date is not a real date or is in the future"}
	// ErrCounty: the county code in a CNP is not one that was ever issued.
	ErrCounty = &Error{Code: "county", msg: "unknown county code"}
	// ErrCountry: the IBAN is not a Romanian one.
	ErrCountry = &Error{Code: "country", msg: "not a Romanian IBAN"}
)

// isDigits reports whether s is non-empty and only ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// removeSpaces drops every ASCII space, the separator people type when they
// copy a number from paper in groups ("RO49 AAAA 1B31 ...").
func removeSpaces(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
