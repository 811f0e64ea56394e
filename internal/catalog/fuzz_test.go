package catalog

import (
	"maps"
	"slices"
	"testing"
	"unicode/utf8"
)

func FuzzValidateInput(f *testing.F) {
	today(f)
	s := every(f)
	f.Add("Ion", "rândul 1\r\nrândul 2", "Ion@Exemplu.RO", "+40 722 123 456", "1630615123457", "RO18547290",
		"ro49 aaaa 1b31 0075 9384 0000", "17.05.1990", "12,5", "pf", "on", "Str. Unirii 5, Cluj", "", 0.0)
	f.Add("  Ștefan  ", "", "", "", " 1920822296090", "13548146", "RO56TREZ0462107020101XXX", "2025-06-15", "", "pj", "", "", "", 1e300)
	f.Add("s\u0326", "\t\u2000x\u0301", "a@b.c", "0722-123-456", "", "", "", "", "-0", "", "false", "Piața\u00a0Unirii", "x", -0.0)
	f.Add("\xff", "\x00", "<a@b.ro>", "++40", "0", "RO", "RO", "2025-02-30", "1e5", "PF", "maybe", "12345", "text", 0.1)
	f.Fuzz(func(t *testing.T, text, textarea, email, phone, cnp, cui, iban, date, number, choice, checkbox, address, extra string, num float64) {
		values := map[string]any{
			"text": text, "textarea": textarea, "email": email, "phone": phone, "cnp": cnp,
			"cui": cui, "iban": iban, "date": date, "choice": choice, "checkbox": checkbox,
			"address": address, "agree": true,
		}
		if number != "" {
			values["number"] = number
		} else {
			values["number"] = num
		}
		if extra != "" {
			values[extra] = text
		}
		// Each field on its own, so one bad value does not hide how the
		// others normalise; then all together.
		for key, v := range values {
			checkRoundTrip(t, s, map[string]any{"agree": true, key: v})
		}
		checkRoundTrip(t, s, values)
	})
}

// checkRoundTrip validates values and checks the result: values or errors,
// known codes with messages, one error per field, and normalised values that
// validate to themselves.
func checkRoundTrip(t *testing.T, s *Service, values map[string]any) {
	t.Helper()
	got, errs := s.ValidateInput(values, nil)
	if (got == nil) == (errs == nil) {
		t.Fatalf("want values or errors, got %v and %v", got, errs)
	}
	seen := map[string]bool{}
	for _, e := range errs {
		if !slices.Contains(allCodes, e.Code) {
			t.Fatalf("unknown code %q", e.Code)
		}
		if seen[e.Field] {
			t.Fatalf("two errors for %q: %v", e.Field, errs)
		}
		seen[e.Field] = true
		if msg := e.Message("ro"); msg == "field."+e.Code || !utf8.ValidString(e.Field) {
			t.Fatalf("error %v has no message or a bad field name", e)
		}
	}
	if errs != nil {
		return
	}
	again := make(map[string]any, len(got))
	for k, v := range got {
		if !utf8.ValidString(v) {
			t.Fatalf("%s = %q is not UTF-8", k, v)
		}
		again[k] = v
	}
	got2, errs := s.ValidateInput(again, nil)
	if errs != nil || !maps.Equal(got, got2) {
		t.Fatalf("normalised values %q do not validate to themselves: %q, %v", got, got2, errs)
	}
}
