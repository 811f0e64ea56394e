package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cetate/cetate/internal/i18n"
)

// ErrUnknownKind means there is no text for a message kind: no
// notify.<kind>.subject and notify.<kind>.body in the catalogue.
var ErrUnknownKind = errors.New("notify: no text for this kind of message")

// ErrMissingParam means the text of a message needs a parameter that the
// outbox row does not carry (an account.verify without a link, say).
var ErrMissingParam = errors.New("notify: a parameter the message needs is missing")

// Render writes the e-mail for an outbox message in lang: a one-line subject
// and a plain-text body that opens with a greeting and ends with a sentence
// saying Cetate sent it automatically. The texts are the catalogue's
// notify.<kind>.subject and notify.<kind>.body; params are the outbox row's
// (snake_case, as cases enqueue them):
//
//	number, service, service_name, legal_deadline (YYYY-MM-DD), message,
//	days, working_days (bool), reason, outcome, reply_number, link,
//	from_service_name, department_name (a request moved to another service),
//	institution, contact, handles (a petition forwarded to another institution),
//	document_link (the verification address of a letter sent to an institution)
//
// service is a code: the message shows service_name when it is given. Dates
// are written the way lang writes them, outcomes translated. A params value
// cannot break out of its place: the subject is one line, and control
// characters other than line breaks and tabs are dropped from the body.
func Render(kind string, params map[string]any, lang string) (subject, body string, err error) {
	subjectKey, bodyKey := "notify."+kind+".subject", "notify."+kind+".body"
	if !i18n.Has(subjectKey) || !i18n.Has(bodyKey) {
		return "", "", fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	data := templateData(params, lang)
	subject = oneLine(i18n.T(lang, subjectKey, data))
	text := i18n.T(lang, bodyKey, data)
	if err := complete(subject, text); err != nil {
		return "", "", fmt.Errorf("%s: %w", kind, err)
	}
	var b strings.Builder
	b.WriteString(i18n.T(lang, "notify.greeting", nil))
	b.WriteString("\n\n")
	b.WriteString(text)
	// Messages about a case point to it when the caller gave its address;
	// account messages carry their link in the text already.
	if link := data["Link"]; !strings.HasPrefix(kind, "account.") && link != missing("Link") {
		b.WriteString("\n\n")
		b.WriteString(i18n.T(lang, "notify.follow_link", map[string]any{"Link": link}))
	}
	b.WriteString("\n\n")
	b.WriteString(i18n.T(lang, "notify.footer", nil))
	b.WriteString("\n")
	return subject, b.String(), nil
}

// placeholders are the names the notify texts may use, each filled from a
// param (see Render). A name without its param holds a marker that complete
// finds, so a missing value fails the rendering instead of reaching a
// citizen as "<no value>" or an empty blank.
var placeholders = []string{"Number", "Service", "LegalDeadline", "Message", "Days", "Reason", "Outcome", "ReplyNumber", "Link",
	"FromService", "Department", "Institution", "Contact", "Handles", "Document"}

// missing is the marker for an absent parameter: NUL never survives clean,
// so no param value can forge it.
func missing(name string) string { return "\x00" + name + "\x00" }

func templateData(params map[string]any, lang string) map[string]any {
	data := make(map[string]any, len(placeholders)+1)
	for _, name := range placeholders {
		data[name] = missing(name)
	}
	set := func(name, value string) {
		if value = strings.TrimSpace(clean(value)); value != "" {
			data[name] = value
		}
	}
	set("Number", str(params["number"]))
	set("Service", str(params["service"]))
	set("Service", str(params["service_name"]))
	set("LegalDeadline", formatDate(str(params["legal_deadline"]), lang))
	set("Message", str(params["message"]))
	set("Reason", str(params["reason"]))
	set("ReplyNumber", str(params["reply_number"]))
	set("Link", str(params["link"]))
	set("FromService", str(params["from_service_name"]))
	set("Department", str(params["department_name"]))
	set("Institution", str(params["institution"]))
	set("Contact", str(params["contact"]))
	set("Handles", str(params["handles"]))
	set("Document", str(params["document_link"]))
	if outcome := str(params["outcome"]); outcome != "" {
		if key := "outcome." + outcome; i18n.Has(key) {
			outcome = i18n.T(lang, key, nil)
		}
		set("Outcome", outcome)
	}
	if days := str(params["days"]); days != "" {
		// Extensions count in the unit of the service's term; the
		// caller says when that is working days.
		key := "term.calendar_days"
		if working, _ := params["working_days"].(bool); working {
			key = "term.working_days"
		}
		set("Days", i18n.T(lang, key, map[string]any{"Count": days}))
	}
	return data
}

// complete reports a placeholder left without a value.
func complete(texts ...string) error {
	for _, text := range texts {
		if i := strings.IndexByte(text, 0); i >= 0 {
			name, _, _ := strings.Cut(text[i+1:], "\x00")
			return fmt.Errorf("%w: %s", ErrMissingParam, name)
		}
		if strings.Contains(text, "<no value>") {
			return fmt.Errorf("%w: a placeholder Render does not know", ErrMissingParam)
		}
	}
	return nil
}

// str writes a param value decoded from JSON (string, float64, bool,
// json.Number) or set in Go as text.
func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	case json.Number:
		return v.String()
	}
	return fmt.Sprint(v)
}

// clean drops control characters (and NUL, the missing marker) from a
// value, keeping line breaks and tabs for the body.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			return -1
		}
		return r
	}, s)
}

// oneLine makes s a single header-safe line: every line break or other
// control character becomes a space, and runs of spaces one.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == 0 {
			return r // keep the missing marker visible to complete
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

var monthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// formatDate writes a YYYY-MM-DD date as lang writes it (ro 01.12.2026,
// en 1 December 2026, hu 2026. 12. 01.); anything else is kept as it is.
func formatDate(s, lang string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	switch i18n.Match(lang) {
	case "en":
		return fmt.Sprintf("%d %s %d", d.Day(), monthsEN[d.Month()-1], d.Year())
	case "hu":
		return d.Format("2006. 01. 02.")
	}
	return d.Format("02.01.2006")
}
