package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// message is one entry of a locale file: a plain string, or plural forms.
type message struct {
	text  string
	forms map[string]string
}

// readLocale reads every locales/*.<lang>.json, failing on keys that appear
// twice (in one file, which encoding/json would silently resolve to the last,
// or in two files).
func readLocale(t *testing.T, lang string) map[string]message {
	t.Helper()
	paths, err := fs.Glob(localeFiles, "locales/*."+lang+".json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no locale files for %s: %v", lang, err)
	}
	out := map[string]message{}
	for _, path := range paths {
		data, err := localeFiles.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		readLocaleFile(t, path, data, out)
	}
	return out
}

func readLocaleFile(t *testing.T, lang string, data []byte, out map[string]message) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s.json: want an object, got %v %v", lang, tok, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("%s.json: %v", lang, err)
		}
		key := tok.(string)
		if _, dup := out[key]; dup {
			t.Errorf("%s.json: key %q appears twice", lang, key)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatalf("%s.json: %s: %v", lang, key, err)
		}
		var m message
		if err := json.Unmarshal(raw, &m.text); err != nil {
			if err := json.Unmarshal(raw, &m.forms); err != nil {
				t.Fatalf("%s.json: %s: neither a string nor plural forms", lang, key)
			}
		}
		out[key] = m
	}
}

// cldrForms returns the cardinal plural forms lang uses, asking CLDR (through
// x/text) about whole numbers and decimals.
func cldrForms(lang string) []string {
	names := map[plural.Form]string{
		plural.Zero: "zero", plural.One: "one", plural.Two: "two",
		plural.Few: "few", plural.Many: "many", plural.Other: "other",
	}
	tag := language.MustParse(lang)
	seen := map[string]bool{}
	for n := 0; n <= 1000; n++ {
		seen[names[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]] = true
		// n.5: one visible fraction digit.
		seen[names[plural.Cardinal.MatchPlural(tag, n, 1, 1, 5, 5)]] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

func TestEveryKeyInEveryLanguage(t *testing.T) {
	ref := readLocale(t, DefaultLanguage)
	for _, lang := range Languages {
		msgs := readLocale(t, lang)
		for key := range ref {
			if _, ok := msgs[key]; !ok {
				t.Errorf("%s.json lacks %q", lang, key)
			}
		}
		for key := range msgs {
			if _, ok := ref[key]; !ok {
				t.Errorf("%s.json has %q, which %s.json does not", lang, key, DefaultLanguage)
			}
		}
	}
}

func TestPluralMessagesHaveTheFormsTheirLanguageNeeds(t *testing.T) {
	ref := readLocale(t, DefaultLanguage)
	for _, lang := range Languages {
		want := cldrForms(lang)
		for key, m := range readLocale(t, lang) {
			if (m.forms != nil) != (ref[key].forms != nil) {
				t.Errorf("%s %s: plural in one language and not in the other", lang, key)
				continue
			}
			if m.forms == nil {
				continue
			}
			if got := slices.Sorted(maps.Keys(m.forms)); !slices.Equal(got, want) {
				t.Errorf("%s %s: forms %v, want %v", lang, key, got, want)
			}
		}
	}
	if got := cldrForms("ro"); !slices.Equal(got, []string{"few", "one", "other"}) {
		t.Errorf("CLDR forms for ro = %v; the test's view of CLDR is wrong", got)
	}
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// params returns the placeholders used in any form of m.
func (m message) params() []string {
	set := map[string]bool{}
	for _, text := range append(slices.Collect(maps.Values(m.forms)), m.text) {
		for _, p := range placeholder.FindAllStringSubmatch(text, -1) {
			set[p[1]] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func TestMessagesUseTheSameParams(t *testing.T) {
	ref := readLocale(t, DefaultLanguage)
	for _, lang := range Languages {
		for key, m := range readLocale(t, lang) {
			if got, want := m.params(), ref[key].params(); !slices.Equal(got, want) {
				t.Errorf("%s %s uses %v, %s uses %v", lang, key, got, DefaultLanguage, want)
			}
			for _, text := range append(slices.Collect(maps.Values(m.forms)), m.text) {
				if strings.Count(text, "{{") != len(placeholder.FindAllString(text, -1)) {
					t.Errorf("%s %s: a template that is not a plain {{.Name}}: %q", lang, key, text)
				}
			}
		}
	}
}

func TestRomanianUsesCommaBelow(t *testing.T) {
	// ş and ţ (cedilla) are the wrong letters; Romanian writes ș and ț.
	for key, m := range readLocale(t, "ro") {
		for _, text := range append(slices.Collect(maps.Values(m.forms)), m.text) {
			if strings.ContainsAny(text, "şţŞŢ") {
				t.Errorf("ro %s: cedilla instead of comma below: %q", key, text)
			}
		}
	}
}

// placeholderRe finds the {{.Name}} parameters a message uses.
var placeholderRe = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func TestEveryMessageRenders(t *testing.T) {
	for _, lang := range Languages {
		for key, m := range readLocale(t, lang) {
			// Give every parameter the message names a value, as its caller must.
			params := map[string]any{"Count": 7}
			for _, text := range append(slices.Collect(maps.Values(m.forms)), m.text) {
				for _, sub := range placeholderRe.FindAllStringSubmatch(text, -1) {
					if _, ok := params[sub[1]]; !ok {
						params[sub[1]] = 7
					}
				}
			}
			got := T(lang, key, params)
			if got == key || got == "" || strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
				t.Errorf("T(%s, %s) = %q", lang, key, got)
			}
		}
	}
}

func TestT(t *testing.T) {
	tests := []struct {
		lang, key string
		params    map[string]any
		want      string
	}{
		{"ro", "term.calendar_days", map[string]any{"Count": 30}, "30 de zile"},
		{"ro", "term.calendar_days", map[string]any{"Count": 1}, "1 zi"},
		{"ro", "term.calendar_days", map[string]any{"Count": 2}, "2 zile"},
		{"ro", "term.calendar_days", map[string]any{"Count": 19}, "19 zile"},
		{"ro", "term.calendar_days", map[string]any{"Count": 20}, "20 de zile"},
		{"ro", "term.calendar_days", map[string]any{"Count": 101}, "101 zile"},
		{"ro", "term.working_days", map[string]any{"Count": 2}, "2 zile lucrătoare"},
		{"ro", "term.working_days", map[string]any{"Count": int64(30)}, "30 de zile lucrătoare"},
		{"ro", "term.working_days", map[string]any{"Count": 30.0}, "30 de zile lucrătoare"},
		{"ro", "term.working_days", map[string]any{"Count": json.Number("1")}, "1 zi lucrătoare"},
		{"en", "term.working_days", map[string]any{"Count": 1}, "1 working day"},
		{"en", "term.working_days", map[string]any{"Count": 2}, "2 working days"},
		{"hu", "term.calendar_days", map[string]any{"Count": 30}, "30 nap"},
		{"ro", "field.too_long", map[string]any{"Max": 200, "Count": 200}, "Scrieți cel mult 200 de caractere."},
		{"en", "field.too_long", map[string]any{"Max": 1, "Count": 1}, "Enter at most 1 character."},
		{"en", "error.internal", map[string]any{"RequestID": "7f3a"}, "Something went wrong on our side. If you contact us, quote the code 7f3a."},
		{"en", "status.info_requested", nil, "Information requested"},
		{"ro", "status.in_progress", nil, "În lucru"},
		// Unsupported or regional codes fall back sensibly.
		{"en-GB", "status.closed", nil, "Closed"},
		{"de", "status.closed", nil, "Închisă"},
		{"", "status.closed", nil, "Închisă"},
		// A Count that is not a number still gives a message.
		{"en", "term.calendar_days", map[string]any{"Count": "many"}, "many days"},
		// A missing key comes back as itself.
		{"en", "no.such.key", nil, "no.such.key"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%v", tt.lang, tt.key, tt.params), func(t *testing.T) {
			if got := T(tt.lang, tt.key, tt.params); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "ro"},
		{"ro", "ro"},
		{"hu", "hu"},
		{"en", "en"},
		{"HU", "hu"},
		{"en-US,en;q=0.9", "en"},
		{"hu-HU,hu;q=0.9,en-US;q=0.8,en;q=0.7", "hu"},
		{"ro-RO,ro;q=0.9,en;q=0.8", "ro"},
		{"de-DE,de;q=0.9,en;q=0.5", "en"},
		{"fr-FR, hu;q=0.3", "hu"},
		{"de", "ro"},
		{"*", "ro"},
		{"en;q=0.1,hu;q=0.9", "hu"},
		{"garbage;;;q=x", "ro"},
	}
	for _, tt := range tests {
		if got := Match(tt.in); got != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHas(t *testing.T) {
	if !Has("field.required") || Has("field.nope") {
		t.Error("Has does not reflect the catalogue")
	}
}

func BenchmarkT(b *testing.B) {
	for i := 0; i < b.N; i++ {
		T("ro", "error.not_found", nil)
	}
}
