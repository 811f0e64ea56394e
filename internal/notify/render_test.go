package notify

import (
	"errors"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/i18n"
)

// kinds are the messages Cetate sends, with the params their senders give.
var kinds = map[string]map[string]any{
	"request.filed": {"number": "594184/1/20.10.2026", "service": "urbanism.certificat",
		"service_name": "Certificat de urbanism", "legal_deadline": "2026-11-19"},
	"case.info_requested": {"number": "594184/1/20.10.2026", "service": "urbanism.certificat",
		"legal_deadline": "2026-11-19", "message": "Trimiteți planul de situație.\nȘi extrasul de carte funciară."},
	"case.extended": {"number": "594184/1/20.10.2026", "service": "urbanism.certificat",
		"legal_deadline": "2026-12-19", "days": float64(30), "reason": "Este nevoie de avizul Direcției Tehnice."},
	"case.decided": {"number": "594184/1/20.10.2026", "service": "urbanism.certificat",
		"legal_deadline": "2026-11-19", "outcome": "approved", "reason": "Documentația este completă.",
		"reply_number": "601001/1/02.11.2026"},
	"account.verify": {"link": "https://portal.primaria.ro/verify?t=abc"},
	"account.reset":  {"link": "https://portal.primaria.ro/reset?t=def"},
}

func TestRenderEveryKindInEveryLanguage(t *testing.T) {
	for kind, params := range kinds {
		for _, lang := range i18n.Languages {
			t.Run(kind+"/"+lang, func(t *testing.T) {
				subject, body, err := Render(kind, params, lang)
				if err != nil {
					t.Fatal(err)
				}
				if subject == "" || strings.ContainsAny(subject, "\r\n") {
					t.Errorf("subject %q", subject)
				}
				for _, bad := range []string{"<no value>", "{{", "\x00", "notify."} {
					if strings.Contains(subject+body, bad) {
						t.Errorf("%q in %q / %q", bad, subject, body)
					}
				}
				if !strings.HasPrefix(body, i18n.T(lang, "notify.greeting", nil)+"\n\n") {
					t.Errorf("body does not open with the greeting: %q", body)
				}
				if !strings.HasSuffix(body, "\n\n"+i18n.T(lang, "notify.footer", nil)+"\n") {
					t.Errorf("body does not end with the footer: %q", body)
				}
				for _, p := range []string{"number", "reply_number", "link"} {
					if v, ok := params[p].(string); ok && !strings.Contains(body, v) {
						t.Errorf("body lacks %s %q: %q", p, v, body)
					}
				}
				if n, ok := params["number"].(string); ok && !strings.Contains(subject, n) {
					t.Errorf("subject lacks the number: %q", subject)
				}
			})
		}
	}
}

func TestRenderText(t *testing.T) {
	tests := []struct {
		name, kind, lang string
		params           map[string]any
		subject          string
		in, notIn        []string
	}{
		{"service name when given", "request.filed", "ro", kinds["request.filed"],
			"Cererea dumneavoastră a fost înregistrată cu numărul 594184/1/20.10.2026",
			[]string{"„Certificat de urbanism”", "19.11.2026", "Cererile mele",
				"Acest mesaj a fost trimis automat de Cetate, portalul digital al primăriei."},
			[]string{"urbanism.certificat"}},
		{"service code without a name", "case.info_requested", "ro", kinds["case.info_requested"], "",
			[]string{"(„urbanism.certificat”)", "Trimiteți planul de situație.\nȘi extrasul de carte funciară.", "nu curge"}, nil},
		{"plural days in Romanian", "case.extended", "ro", kinds["case.extended"], "",
			[]string{"prelungit cu 30 de zile", "19.12.2026", "Motivul prelungirii: Este nevoie de avizul Direcției Tehnice."}, nil},
		{"one working day", "case.extended", "ro",
			map[string]any{"number": "1", "service": "x", "legal_deadline": "2026-12-19", "days": 1, "working_days": true, "reason": "r"}, "",
			[]string{"prelungit cu 1 zi lucrătoare"}, nil},
		{"English date and days", "case.extended", "en", kinds["case.extended"],
			"The deadline for request 594184/1/20.10.2026 has been extended",
			[]string{"extended by 30 days", "19 December 2026"}, nil},
		{"Hungarian date", "case.extended", "hu", kinds["case.extended"], "",
			[]string{"A meghosszabbítás mértéke: 30 nap.", "2026. 12. 19."}, nil},
		{"outcome translated", "case.decided", "en", kinds["case.decided"], "Your request 594184/1/20.10.2026 has been answered",
			[]string{"Outcome: Approved", "registered as number 601001/1/02.11.2026"}, []string{"approved"}},
		{"unknown outcome as given", "case.decided", "ro",
			map[string]any{"number": "1", "service": "x", "outcome": "archived", "reason": "r", "reply_number": "2"}, "",
			[]string{"Rezultatul: archived"}, nil},
		{"follow link for case messages", "case.decided", "ro",
			map[string]any{"number": "1", "service": "x", "outcome": "rejected", "reason": "r", "reply_number": "2", "link": "https://p.ro/c/1"}, "",
			[]string{"Puteți urmări cererea aici: https://p.ro/c/1"}, nil},
		{"verify link valid 24 hours", "account.verify", "ro", kinds["account.verify"], "Confirmați adresa de e-mail",
			[]string{"https://portal.primaria.ro/verify?t=abc", "24 de ore"}, []string{"urmări"}},
		{"reset link valid one hour", "account.reset", "en", kinds["account.reset"], "Changing your password",
			[]string{"https://portal.primaria.ro/reset?t=def", "valid for one hour", "If you did not ask"}, nil},
		{"a line break in a param cannot split the subject", "case.decided", "en",
			map[string]any{"number": "12\r\nBcc: evil@example.com", "service": "x", "outcome": "approved", "reason": "r", "reply_number": "2"},
			"Your request 12 Bcc: evil@example.com has been answered", nil, nil},
		{"control characters dropped from the body", "case.info_requested", "en",
			map[string]any{"number": "1", "service": "x", "message": "a\x00b\x1bc\r\nd"}, "",
			[]string{"abc\nd"}, []string{"\x00", "\x1b", "\r"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subject, body, err := Render(tt.kind, tt.params, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if tt.subject != "" && subject != tt.subject {
				t.Errorf("subject %q, want %q", subject, tt.subject)
			}
			for _, s := range tt.in {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q:\n%s", s, body)
				}
			}
			for _, s := range tt.notIn {
				if strings.Contains(body, s) {
					t.Errorf("body has %q:\n%s", s, body)
				}
			}
		})
	}
}

func TestRenderRefuses(t *testing.T) {
	if _, _, err := Render("case.teleported", map[string]any{"number": "1"}, "ro"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, _, err := Render("account.verify", map[string]any{}, "ro"); !errors.Is(err, ErrMissingParam) || !strings.Contains(err.Error(), "Link") {
		t.Errorf("verify without a link: %v", err)
	}
	if _, _, err := Render("case.decided", map[string]any{"number": "1", "service": "x", "outcome": "approved"}, "en"); !errors.Is(err, ErrMissingParam) {
		t.Errorf("decision without its reason: %v", err)
	}
	// An empty or NUL-only value counts as missing, not as a forged marker.
	if _, _, err := Render("account.reset", map[string]any{"link": "\x00"}, "en"); !errors.Is(err, ErrMissingParam) {
		t.Errorf("reset with a NUL link: %v", err)
	}
}

func TestRenderDocumentIssued(t *testing.T) {
	for _, lang := range []string{"ro", "en", "hu"} {
		subject, body, err := Render("document.issued", map[string]any{"number": "12/420/23.11.2026", "service_name": "Certificat de atestare fiscală",
			"link": "https://portal.example.ro/verify/abc"}, lang)
		if err != nil || !strings.Contains(subject, "12/420/23.11.2026") || !strings.Contains(body, "https://portal.example.ro/verify/abc") {
			t.Errorf("%s: %q %q %v", lang, subject, body, err)
		}
	}
}
