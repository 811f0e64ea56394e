package catalog

import (
	"encoding/json"
	"errors"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/ident"
)

// The codes of FieldError. Each is a message key "field.<code>" in package i18n.
const (
	CodeRequired           = "required"
	CodeTooLong            = "too_long"  // Params: Max, Count
	CodeTooShort           = "too_short" // Params: Min, Count
	CodeInvalidCharacters  = "invalid_characters"
	CodeInvalidValue       = "invalid_value"
	CodeInvalidEmail       = "invalid_email"
	CodeInvalidPhone       = "invalid_phone"
	CodeInvalidCNP         = "invalid_cnp"
	CodeInvalidCNPChecksum = "invalid_cnp_checksum"
	CodeInvalidCNPDate     = "invalid_cnp_date"
	CodeInvalidCNPCounty   = "invalid_cnp_county"
	CodeInvalidCUI         = "invalid_cui"
	CodeInvalidIBAN        = "invalid_iban"
	CodeInvalidDate        = "invalid_date"
	CodeDateTooEarly       = "date_too_early" // Params: Min (YYYY-MM-DD)
	CodeDateTooLate        = "date_too_late"  // Params: Max (YYYY-MM-DD)
	CodeInvalidNumber      = "invalid_number"
	CodeTooSmall           = "too_small" // Params: Min
	CodeTooLarge           = "too_large" // Params: Max
	CodeInvalidChoice      = "invalid_choice"
	CodeMustBeChecked      = "must_be_checked"
	CodeFileEmpty          = "file_empty"
	CodeFileTooLarge       = "file_too_large" // Params: MaxMB
	CodeFileType           = "file_type"      // Params: Allowed ("PDF, JPEG, PNG")
	CodeTooManyFiles       = "too_many_files" // Params: Max, Count
	CodeUnknownField       = "unknown_field"
	CodeInvalidAddress     = "invalid_address"
)

// FieldError is what is wrong with one submitted value. Code is stable (the
// API returns it) and, prefixed with "field.", is the message key; Params
// fill the message. A "Count" param, when present, selects the plural form.
type FieldError struct {
	Field  string         `json:"field"`
	Code   string         `json:"code"`
	Params map[string]any `json:"params,omitempty"`
}

// Message returns the error in lang, for the citizen.
func (e FieldError) Message(lang string) string {
	return i18n.T(lang, "field."+e.Code, e.Params)
}

// Error returns "field: code", for logs and tests.
func (e FieldError) Error() string { return e.Field + ": " + e.Code }

// Upload is a file submitted for a file field.
type Upload struct {
	Field string
	Name  string
	Size  int64
	// ContentType is what the caller sniffed from the content
	// (SniffContentType), never what the client claimed.
	ContentType string
}

// now is the clock that decides "today" for date bounds; tests replace it.
var now = time.Now

// ValidateInput checks submitted values against the service's fields.
//
// values come from JSON (string, float64, bool, json.Number) or from a form
// (string). When everything is right it returns the normalised values and no
// errors: strings trimmed and in Unicode NFC, CNP/CUI/IBAN in canonical form,
// numbers as plain decimals ("12.5"), checkboxes "true" or "false" (an
// unchecked optional checkbox is "false"), dates YYYY-MM-DD. Empty optional
// fields are left out, and so are file fields: uploads stay with the caller.
// Otherwise it returns nil and every error, at most one per field, in field
// order, followed by values and uploads for fields the form does not have
// (unknown_field), sorted by key. Validating the returned values again
// (with the same uploads) returns them unchanged.
func (s *Service) ValidateInput(values map[string]any, uploads []Upload) (map[string]string, []FieldError) {
	today := calendar.Civil(now())
	out := make(map[string]string, len(s.Fields))
	var errs []FieldError
	known := make(map[string]*Field, len(s.Fields))
	for _, f := range s.Fields {
		known[f.Key] = f
	}
	filesOf := map[string][]Upload{}
	var unknown []string
	for _, u := range uploads {
		if _, ok := known[u.Field]; !ok {
			unknown = append(unknown, u.Field)
			continue
		}
		filesOf[u.Field] = append(filesOf[u.Field], u)
	}
	for key := range values {
		if _, ok := known[key]; !ok {
			unknown = append(unknown, key)
		}
	}
	for _, f := range s.Fields {
		var (
			value string
			fe    *FieldError
		)
		if f.Type == FieldFile {
			fe = f.checkFiles(values[f.Key], filesOf[f.Key])
		} else {
			if len(filesOf[f.Key]) > 0 {
				fe = &FieldError{Code: CodeInvalidValue}
			} else {
				value, fe = f.check(values[f.Key], today)
			}
		}
		if fe != nil {
			fe.Field = f.Key
			errs = append(errs, *fe)
			continue
		}
		if value != "" {
			out[f.Key] = value
		}
	}
	slices.Sort(unknown)
	for _, key := range slices.Compact(unknown) {
		errs = append(errs, FieldError{Field: safeKey(key), Code: CodeUnknownField})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// safeKey makes a key sent by a client fit to echo back in an error: valid
// UTF-8, printable, and short.
func safeKey(key string) string {
	key = strings.ToValidUTF8(key, "\uFFFD")
	key = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, key)
	if utf8.RuneCountInString(key) > 64 {
		key = string([]rune(key)[:64]) + "…"
	}
	return key
}

// check validates one non-file value; it returns the normalised value ("" for
// an empty optional field) or the error.
func (f *Field) check(raw any, today time.Time) (string, *FieldError) {
	if f.Type == FieldCheckbox {
		return f.checkCheckbox(raw)
	}
	s, ok := asString(raw)
	if !ok {
		return "", &FieldError{Code: CodeInvalidValue}
	}
	multiline := f.Type == FieldTextarea || f.Type == FieldAddress
	s, fe := cleanText(s, multiline)
	if fe != nil {
		return "", fe
	}
	if s == "" {
		if f.Required {
			return "", &FieldError{Code: CodeRequired}
		}
		return "", nil
	}
	switch f.Type {
	case FieldText, FieldTextarea:
		return s, f.checkLength(s)
	case FieldAddress:
		if fe := f.checkLength(s); fe != nil {
			return "", fe
		}
		return s, checkAddress(s)
	case FieldEmail:
		return normalizeEmail(s)
	case FieldPhone:
		return normalizePhone(s)
	case FieldCNP:
		c, err := ident.NormalizeCNP(s)
		switch {
		case err == nil:
			return c, nil
		case errors.Is(err, ident.ErrChecksum):
			return "", &FieldError{Code: CodeInvalidCNPChecksum}
		case errors.Is(err, ident.ErrDate):
			return "", &FieldError{Code: CodeInvalidCNPDate}
		case errors.Is(err, ident.ErrCounty):
			return "", &FieldError{Code: CodeInvalidCNPCounty}
		}
		return "", &FieldError{Code: CodeInvalidCNP}
	case FieldCUI:
		c, err := ident.NormalizeCUI(s)
		if err != nil {
			return "", &FieldError{Code: CodeInvalidCUI}
		}
		return c, nil
	case FieldIBAN:
		c, err := ident.NormalizeIBAN(s)
		if err != nil {
			return "", &FieldError{Code: CodeInvalidIBAN}
		}
		return c, nil
	case FieldDate:
		return f.checkDate(s, today)
	case FieldNumber:
		return f.checkNumber(s, raw)
	case FieldChoice:
		for _, o := range f.Options {
			if o.Value == s {
				return s, nil
			}
		}
		return "", &FieldError{Code: CodeInvalidChoice}
	}
	// Unreachable for a checked catalogue: Validate rejects unknown types.
	return "", &FieldError{Code: CodeInvalidValue}
}

// asString returns the text of a scalar value. Numbers are accepted for text
// fields because a JSON client may send a CUI or a house number as one.
func asString(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", false
		}
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	}
	return "", false
}

// cleanText rejects invalid UTF-8 and control characters (newline and tab
// are allowed when multiline), turns CRLF into LF, and returns s in NFC
// (so "ș" typed as s + comma counts as one character) without surrounding
// white space.
func cleanText(s string, multiline bool) (string, *FieldError) {
	if !utf8.ValidString(s) {
		return "", &FieldError{Code: CodeInvalidCharacters}
	}
	if multiline {
		// Browsers send textarea line breaks as CRLF.
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return "", &FieldError{Code: CodeInvalidCharacters}
		}
	}
	return strings.TrimSpace(norm.NFC.String(s)), nil
}

// checkLength checks the length in characters (runes), not bytes.
func (f *Field) checkLength(s string) *FieldError {
	n := utf8.RuneCountInString(s)
	switch {
	case f.MaxLength > 0 && n > f.MaxLength:
		return &FieldError{Code: CodeTooLong, Params: map[string]any{"Max": f.MaxLength, "Count": f.MaxLength}}
	case f.MinLength > 0 && n < f.MinLength:
		return &FieldError{Code: CodeTooShort, Params: map[string]any{"Min": f.MinLength, "Count": f.MinLength}}
	}
	return nil
}

// checkAddress asks for something that can be an address: a few characters,
// some of them letters (a street or place name).
func checkAddress(s string) *FieldError {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 2 || utf8.RuneCountInString(s) < 5 {
		return &FieldError{Code: CodeInvalidAddress}
	}
	return nil
}

var domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]([a-z0-9-]*[a-z0-9])?$`)

// normalizeEmail accepts one plain address (no display name, no <>, no
// comments) with a domain name that has a dot, and returns it with the domain
// in lower case.
func normalizeEmail(s string) (string, *FieldError) {
	bad := &FieldError{Code: CodeInvalidEmail}
	if len(s) > 254 || strings.ContainsAny(s, " \t\n<>()\",;[]\\") {
		return "", bad
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", bad
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if len(local) > 64 || len(domain) > 253 || !domainPattern.MatchString(domain) {
		return "", bad
	}
	return local + "@" + domain, nil
}

// normalizePhone accepts digits with an optional leading +, grouped with
// spaces or dashes, 10 to 15 digits in all (0722 123 456, +40 722 123 456),
// and returns them without separators.
func normalizePhone(s string) (string, *FieldError) {
	bad := &FieldError{Code: CodeInvalidPhone}
	plus := strings.HasPrefix(s, "+")
	digits := make([]byte, 0, len(s))
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == ' ' || r == '-':
		case r == '+' && i == 0:
		default:
			return "", bad
		}
	}
	if len(digits) < 10 || len(digits) > 15 {
		return "", bad
	}
	if plus {
		return "+" + string(digits), nil
	}
	return string(digits), nil
}

// checkDate reads YYYY-MM-DD, or DD.MM.YYYY as Romanians write dates, and
// checks the field's bounds.
func (f *Field) checkDate(s string, today time.Time) (string, *FieldError) {
	d, err := calendar.ParseDate(s)
	if err != nil {
		d, err = time.Parse("2.1.2006", s)
	}
	if err != nil {
		return "", &FieldError{Code: CodeInvalidDate}
	}
	// Bounds were checked when the catalogue loaded.
	if b, _ := parseDateBound(f.MinDate); !b.isZero() {
		if limit := b.resolve(today); d.Before(limit) {
			return "", &FieldError{Code: CodeDateTooEarly, Params: map[string]any{"Min": calendar.FormatDate(limit)}}
		}
	}
	if b, _ := parseDateBound(f.MaxDate); !b.isZero() {
		if limit := b.resolve(today); d.After(limit) {
			return "", &FieldError{Code: CodeDateTooLate, Params: map[string]any{"Max": calendar.FormatDate(limit)}}
		}
	}
	return calendar.FormatDate(d), nil
}

// numberPattern is a number as people type it: no exponent, no thousands
// separators, a decimal point or comma (12,5 in Romanian and Hungarian).
var numberPattern = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?$`)

// checkNumber reads a number typed in a form, or sent as a JSON number, and
// returns it as a plain decimal.
func (f *Field) checkNumber(s string, raw any) (string, *FieldError) {
	bad := &FieldError{Code: CodeInvalidNumber}
	switch raw.(type) {
	case string:
		if !numberPattern.MatchString(s) {
			return "", bad
		}
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return "", bad
	}
	if v == 0 {
		v = 0 // no "-0"
	}
	if f.Min != nil && v < *f.Min {
		return "", &FieldError{Code: CodeTooSmall, Params: map[string]any{"Min": displayNumber(*f.Min)}}
	}
	if f.Max != nil && v > *f.Max {
		return "", &FieldError{Code: CodeTooLarge, Params: map[string]any{"Max": displayNumber(*f.Max)}}
	}
	return strconv.FormatFloat(v, 'f', -1, 64), nil
}

// displayNumber returns v as an int64 when it is whole, so messages read
// "10", not "10.0" or "1e+06".
func displayNumber(v float64) any {
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return int64(v)
	}
	return v
}

// checkCheckbox reads a checkbox: JSON true/false, or what forms send ("on",
// "true", "1" when ticked; nothing, "", "false", "0" or "off" when not).
func (f *Field) checkCheckbox(raw any) (string, *FieldError) {
	var checked bool
	switch v := raw.(type) {
	case nil:
	case bool:
		checked = v
	case float64:
		if v != 0 && v != 1 {
			return "", &FieldError{Code: CodeInvalidValue}
		}
		checked = v == 1
	case string, json.Number:
		s, _ := asString(v)
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "on", "true", "1", "yes":
			checked = true
		case "", "off", "false", "0", "no":
		default:
			return "", &FieldError{Code: CodeInvalidValue}
		}
	default:
		return "", &FieldError{Code: CodeInvalidValue}
	}
	if f.Required && !checked {
		return "", &FieldError{Code: CodeMustBeChecked}
	}
	return strconv.FormatBool(checked), nil
}

// checkFiles checks the uploads for a file field. A value sent for it in
// values must be empty: files come as uploads.
func (f *Field) checkFiles(raw any, files []Upload) *FieldError {
	if s, ok := asString(raw); !ok || strings.TrimSpace(s) != "" {
		return &FieldError{Code: CodeInvalidValue}
	}
	maxFiles := cmpOr(f.MaxFiles, DefaultMaxFiles)
	maxMB := cmpOr(f.MaxSizeMB, DefaultMaxSizeMB)
	accept := f.Accept
	if len(accept) == 0 {
		accept = DefaultAccept
	}
	switch {
	case len(files) == 0 && f.Required:
		return &FieldError{Code: CodeRequired}
	case len(files) > maxFiles:
		return &FieldError{Code: CodeTooManyFiles, Params: map[string]any{"Max": maxFiles, "Count": maxFiles}}
	}
	for _, u := range files {
		switch {
		case u.Size <= 0:
			return &FieldError{Code: CodeFileEmpty}
		case u.Size > int64(maxMB)<<20:
			return &FieldError{Code: CodeFileTooLarge, Params: map[string]any{"MaxMB": maxMB}}
		case !slices.Contains(accept, mediaType(u.ContentType)):
			return &FieldError{Code: CodeFileType, Params: map[string]any{"Allowed": allowedNames(accept)}}
		}
	}
	return nil
}
