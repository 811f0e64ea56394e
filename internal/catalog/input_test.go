package catalog

import (
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/i18n"
)

// today pins the clock: 15 June 2025, midday in Romania.
func today(t testing.TB) {
	t.Helper()
	old := now
	now = func() time.Time { return calendar.Day(2025, 6, 15).Add(9 * time.Hour) }
	t.Cleanup(func() { now = old })
}

// every is the fixture service with one field of every type.
func every(t testing.TB) *Service {
	t.Helper()
	s, ok := loadGood(t).Service("test-toate")
	if !ok {
		t.Fatal("test-toate missing")
	}
	return s
}

func TestValidateInputOneField(t *testing.T) {
	today(t)
	s := every(t)
	pdf := Upload{Field: "files", Name: "act.pdf", Size: 1000, ContentType: "application/pdf"}
	tests := []struct {
		name    string
		key     string
		value   any
		uploads []Upload
		want    string         // the normalised value, when accepted
		code    string         // the error code, when rejected
		params  map[string]any // the error's params, when they matter
	}{
		{name: "text trimmed", key: "text", value: "  Ion  ", want: "Ion"},
		{name: "text diacritics", key: "text", value: "Ștefan", want: "Ștefan"},
		{name: "text counts characters not bytes", key: "text", value: strings.Repeat("ș", 10), want: strings.Repeat("ș", 10)},
		{name: "text in NFC", key: "text", value: strings.Repeat("s\u0326", 10), want: strings.Repeat("ș", 10)},
		{name: "text too long", key: "text", value: strings.Repeat("ș", 11), code: CodeTooLong, params: map[string]any{"Max": 10, "Count": 10}},
		{name: "text too short", key: "text", value: "a", code: CodeTooShort, params: map[string]any{"Min": 2, "Count": 2}},
		{name: "text newline", key: "text", value: "a\nb", code: CodeInvalidCharacters},
		{name: "text tab", key: "text", value: "a\tb", code: CodeInvalidCharacters},
		{name: "text NUL", key: "text", value: "ab\x00", code: CodeInvalidCharacters},
		{name: "text escape", key: "text", value: "ab\x1b[31m", code: CodeInvalidCharacters},
		{name: "text C1 control", key: "text", value: "ab\u0085", code: CodeInvalidCharacters},
		{name: "text invalid UTF-8", key: "text", value: "ab\xff\xfe", code: CodeInvalidCharacters},
		{name: "text emoji", key: "text", value: "Ana 🌳", want: "Ana 🌳"},
		{name: "text JSON number", key: "text", value: json.Number("42"), want: "42"},
		{name: "text float", key: "text", value: 42.0, want: "42"},
		{name: "text bool", key: "text", value: true, code: CodeInvalidValue},
		{name: "text list", key: "text", value: []any{"x"}, code: CodeInvalidValue},
		{name: "text object", key: "text", value: map[string]any{"x": 1}, code: CodeInvalidValue},

		{name: "textarea CRLF", key: "textarea", value: "rândul 1\r\nrândul 2", want: "rândul 1\nrândul 2"},
		{name: "textarea tab", key: "textarea", value: "a\tb", want: "a\tb"},
		{name: "textarea bell", key: "textarea", value: "a\x07b", code: CodeInvalidCharacters},
		{name: "textarea too long", key: "textarea", value: strings.Repeat("ă", 21), code: CodeTooLong, params: map[string]any{"Max": 20, "Count": 20}},

		{name: "email", key: "email", value: " Ion.Pop@Exemplu.RO ", want: "Ion.Pop@exemplu.ro"},
		{name: "email plus", key: "email", value: "ion+primarie@exemplu.ro", want: "ion+primarie@exemplu.ro"},
		{name: "email no domain dot", key: "email", value: "ion@localhost", code: CodeInvalidEmail},
		{name: "email display name", key: "email", value: "Ion <ion@exemplu.ro>", code: CodeInvalidEmail},
		{name: "email angle brackets", key: "email", value: "<ion@exemplu.ro>", code: CodeInvalidEmail},
		{name: "email two", key: "email", value: "ion@exemplu.ro, ana@exemplu.ro", code: CodeInvalidEmail},
		{name: "email no at", key: "email", value: "ion", code: CodeInvalidEmail},
		{name: "email two ats", key: "email", value: "ion@@exemplu.ro", code: CodeInvalidEmail},
		{name: "email empty label", key: "email", value: "ion@exemplu..ro", code: CodeInvalidEmail},
		{name: "email IP", key: "email", value: "ion@[127.0.0.1]", code: CodeInvalidEmail},

		{name: "phone mobile", key: "phone", value: "0722 123 456", want: "0722123456"},
		{name: "phone international", key: "phone", value: "+40 722-123-456", want: "+40722123456"},
		{name: "phone 00", key: "phone", value: "0040 722 123 456", want: "0040722123456"},
		{name: "phone short", key: "phone", value: "0722 123", code: CodeInvalidPhone},
		{name: "phone long", key: "phone", value: "+40 722 123 456 789 01", code: CodeInvalidPhone},
		{name: "phone parentheses", key: "phone", value: "+40 (722) 123 456", code: CodeInvalidPhone},
		{name: "phone letters", key: "phone", value: "0722 ABC 456", code: CodeInvalidPhone},
		{name: "phone plus inside", key: "phone", value: "40+722123456", code: CodeInvalidPhone},

		{name: "cnp", key: "cnp", value: " 1630615123457 ", want: "1630615123457"},
		{name: "cnp as JSON number", key: "cnp", value: 1630615123457.0, want: "1630615123457"},
		{name: "cnp checksum", key: "cnp", value: "1630615123458", code: CodeInvalidCNPChecksum},
		{name: "cnp checksum 2", key: "cnp", value: "1920822296091", code: CodeInvalidCNPChecksum},
		{name: "cnp date", key: "cnp", value: "1632215123457", code: CodeInvalidCNPDate},
		{name: "cnp born in 2099", key: "cnp", value: "6991231123450", code: CodeInvalidCNPDate},
		{name: "cnp county", key: "cnp", value: "1630615493457", code: CodeInvalidCNPCounty},
		{name: "cnp short", key: "cnp", value: "163061512345", code: CodeInvalidCNP},
		{name: "cnp letters", key: "cnp", value: "16306151234AB", code: CodeInvalidCNP},

		{name: "cui with RO", key: "cui", value: "ro 18547290", want: "18547290"},
		{name: "cui checksum", key: "cui", value: "18547291", code: CodeInvalidCUI},

		{name: "iban", key: "iban", value: "ro49 aaaa 1b31 0075 9384 0000", want: "RO49AAAA1B31007593840000"},
		{name: "iban foreign", key: "iban", value: "DE89370400440532013000", code: CodeInvalidIBAN},
		{name: "iban checksum", key: "iban", value: "RO48AAAA1B31007593840000", code: CodeInvalidIBAN},

		{name: "date ISO", key: "date", value: "1990-05-17", want: "1990-05-17"},
		{name: "date Romanian", key: "date", value: "17.05.1990", want: "1990-05-17"},
		{name: "date Romanian short", key: "date", value: "7.5.1990", want: "1990-05-07"},
		{name: "date today", key: "date", value: "2025-06-15", want: "2025-06-15"},
		{name: "date not real", key: "date", value: "2025-02-30", code: CodeInvalidDate},
		{name: "date not real Romanian", key: "date", value: "31.04.2020", code: CodeInvalidDate},
		{name: "date words", key: "date", value: "ieri", code: CodeInvalidDate},
		{name: "date American", key: "date", value: "05/17/1990", code: CodeInvalidDate},
		{name: "date in the future", key: "date", value: "2025-06-16", code: CodeDateTooLate, params: map[string]any{"Max": "2025-06-15"}},
		{name: "date too old", key: "date", value: "1900-01-01", code: CodeDateTooEarly, params: map[string]any{"Min": "1905-06-15"}},
		{name: "fixed date early", key: "fixed_date", value: "2019-12-31", code: CodeDateTooEarly, params: map[string]any{"Min": "2020-01-01"}},
		{name: "fixed date late", key: "fixed_date", value: "2031-01-01", code: CodeDateTooLate, params: map[string]any{"Max": "2030-12-31"}},

		{name: "number comma", key: "number", value: "12,5", want: "12.5"},
		{name: "number trailing zero", key: "number", value: "012.50", want: "12.5"},
		{name: "number float", key: "number", value: 12.5, want: "12.5"},
		{name: "number JSON exponent", key: "number", value: json.Number("1e2"), want: "100"},
		{name: "number minus zero", key: "number", value: "-0", want: "0"},
		{name: "number typed exponent", key: "number", value: "1e2", code: CodeInvalidNumber},
		{name: "number thousands", key: "number", value: "1.000,5", code: CodeInvalidNumber},
		{name: "number hex", key: "number", value: "0x10", code: CodeInvalidNumber},
		{name: "number NaN", key: "number", value: "NaN", code: CodeInvalidNumber},
		{name: "number words", key: "number", value: "doisprezece", code: CodeInvalidNumber},
		{name: "number too small", key: "number", value: "-1", code: CodeTooSmall, params: map[string]any{"Min": int64(0)}},
		{name: "number too large", key: "number", value: 1000.5, code: CodeTooLarge, params: map[string]any{"Max": int64(1000)}},
		{name: "number bool", key: "number", value: true, code: CodeInvalidValue},

		{name: "choice", key: "choice", value: "pf", want: "pf"},
		{name: "choice trimmed", key: "choice", value: " pj ", want: "pj"},
		{name: "choice case", key: "choice", value: "PF", code: CodeInvalidChoice},
		{name: "choice unknown", key: "choice", value: "altceva", code: CodeInvalidChoice},

		{name: "checkbox true", key: "checkbox", value: true, want: "true"},
		{name: "checkbox on", key: "checkbox", value: "on", want: "true"},
		{name: "checkbox false", key: "checkbox", value: "false", want: "false"},
		{name: "checkbox absent", key: "checkbox", value: nil, want: "false"},
		{name: "checkbox nonsense", key: "checkbox", value: "poate", code: CodeInvalidValue},
		{name: "checkbox number", key: "checkbox", value: 2.0, code: CodeInvalidValue},
		{name: "required checkbox unticked", key: "agree", value: false, code: CodeMustBeChecked},
		{name: "required checkbox absent", key: "agree", value: nil, code: CodeMustBeChecked},

		{name: "address", key: "address", value: "Str. Memorandumului 28, Cluj-Napoca", want: "Str. Memorandumului 28, Cluj-Napoca"},
		{name: "address lines", key: "address", value: "Str. Unirii nr. 5\r\nTimișoara", want: "Str. Unirii nr. 5\nTimișoara"},
		{name: "address digits only", key: "address", value: "12345", code: CodeInvalidAddress},
		{name: "address too long", key: "address", value: strings.Repeat("Str. ", 61), code: CodeTooLong, params: map[string]any{"Max": 300, "Count": 300}},

		{name: "file", key: "files", uploads: []Upload{pdf}},
		{name: "two files", key: "files", uploads: []Upload{pdf, {Field: "files", Name: "plan.png", Size: 1 << 20, ContentType: "image/png"}}},
		{name: "three files", key: "files", uploads: []Upload{pdf, pdf, pdf}, code: CodeTooManyFiles, params: map[string]any{"Max": 2, "Count": 2}},
		{name: "file too large", key: "files", uploads: []Upload{{Field: "files", Size: 1<<20 + 1, ContentType: "application/pdf"}}, code: CodeFileTooLarge, params: map[string]any{"MaxMB": 1}},
		{name: "file empty", key: "files", uploads: []Upload{{Field: "files", Size: 0, ContentType: "application/pdf"}}, code: CodeFileEmpty},
		{name: "file type", key: "files", uploads: []Upload{{Field: "files", Size: 10, ContentType: "image/jpeg"}}, code: CodeFileType, params: map[string]any{"Allowed": "PDF, PNG"}},
		{name: "file type with parameters", key: "files", uploads: []Upload{{Field: "files", Size: 10, ContentType: "Application/PDF; charset=binary"}}},
		{name: "file as a value", key: "files", value: "act.pdf", code: CodeInvalidValue},
		{name: "upload to a text field", key: "text", uploads: []Upload{{Field: "text", Size: 10, ContentType: "application/pdf"}}, code: CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]any{"agree": "on"}
			if tt.value != nil || tt.key == "agree" {
				values[tt.key] = tt.value
			}
			got, errs := s.ValidateInput(values, tt.uploads)
			if tt.code != "" {
				want := []FieldError{{Field: tt.key, Code: tt.code, Params: tt.params}}
				if got != nil || !reflect.DeepEqual(errs, want) {
					t.Fatalf("got %v, %#v; want %#v", got, errs, want)
				}
				return
			}
			if errs != nil {
				t.Fatalf("unexpected errors %#v", errs)
			}
			if v, ok := got[tt.key]; tt.want != "" && (!ok || v != tt.want) {
				t.Errorf("%s = %q (present %v), want %q", tt.key, v, ok, tt.want)
			}
			if _, ok := got["files"]; ok {
				t.Error("file fields must not be in the values")
			}
		})
	}
}

func TestValidateInputEmptyOptionalFieldsAreDropped(t *testing.T) {
	today(t)
	got, errs := every(t).ValidateInput(map[string]any{"agree": true, "text": "   ", "email": "", "number": nil}, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	want := map[string]string{"agree": "true", "checkbox": "false"}
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestValidateInputReportsEveryErrorInFieldOrder(t *testing.T) {
	today(t)
	c := loadGood(t)
	petitie, _ := c.Service("test-petitie")
	_, errs := petitie.ValidateInput(map[string]any{
		"zeta":    "x",
		"email":   "nu e o adresă",
		"cnp":     "1630615123458",
		"message": "   ",
		"alfa":    1.0,
		"\x00bad": "x",
	}, []Upload{{Field: "semnatura", Size: 1, ContentType: "image/png"}})
	want := []FieldError{
		{Field: "name", Code: CodeRequired},
		{Field: "email", Code: CodeInvalidEmail},
		{Field: "cnp", Code: CodeInvalidCNPChecksum},
		{Field: "message", Code: CodeRequired},
		{Field: "\uFFFDbad", Code: CodeUnknownField},
		{Field: "alfa", Code: CodeUnknownField},
		{Field: "semnatura", Code: CodeUnknownField},
		{Field: "zeta", Code: CodeUnknownField},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("got\n%v\nwant\n%v", errs, want)
	}
}

func TestValidateInputPetition(t *testing.T) {
	today(t)
	petitie, _ := loadGood(t).Service("test-petitie")
	got, errs := petitie.ValidateInput(map[string]any{
		"name":    "Ana Popescu",
		"email":   "ana@exemplu.ro",
		"message": strings.Repeat("ț", 10000),
	}, []Upload{{Field: "attachment", Name: "foto.jpg", Size: 2 << 20, ContentType: "image/jpeg"}})
	if errs != nil {
		t.Fatal(errs)
	}
	if len(got) != 3 || got["name"] != "Ana Popescu" {
		t.Errorf("got %v", got)
	}
	_, errs = petitie.ValidateInput(map[string]any{
		"name": "Ana Popescu", "email": "ana@exemplu.ro", "message": strings.Repeat("ț", 10001),
	}, nil)
	if len(errs) != 1 || errs[0].Code != CodeTooLong {
		t.Errorf("a message of 10,001 characters: %v", errs)
	}
}

func TestFieldErrorMessage(t *testing.T) {
	e := FieldError{Field: "message", Code: CodeTooLong, Params: map[string]any{"Max": 10000, "Count": 10000}}
	tests := map[string]string{
		"ro": "Scrieți cel mult 10000 de caractere.",
		"en": "Enter at most 10000 characters.",
		"hu": "Legfeljebb 10000 karaktert írhat be.",
	}
	for lang, want := range tests {
		if got := e.Message(lang); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := (FieldError{Code: CodeTooLong, Params: map[string]any{"Max": 10, "Count": 10}}).Message("ro"); got != "Scrieți cel mult 10 caractere." {
		t.Errorf("ro, 10: %q", got)
	}
}

// allCodes are every FieldError code ValidateInput can return.
var allCodes = []string{
	CodeRequired, CodeTooLong, CodeTooShort, CodeInvalidCharacters, CodeInvalidValue,
	CodeInvalidEmail, CodeInvalidPhone, CodeInvalidCNP, CodeInvalidCNPChecksum,
	CodeInvalidCNPDate, CodeInvalidCNPCounty, CodeInvalidCUI, CodeInvalidIBAN,
	CodeInvalidDate, CodeDateTooEarly, CodeDateTooLate, CodeInvalidNumber, CodeTooSmall,
	CodeTooLarge, CodeInvalidChoice, CodeMustBeChecked, CodeFileEmpty, CodeFileTooLarge,
	CodeFileType, CodeTooManyFiles, CodeUnknownField, CodeInvalidAddress,
}

func TestEveryCodeHasAMessage(t *testing.T) {
	for _, code := range allCodes {
		if !i18n.Has("field." + code) {
			t.Errorf("no message field.%s", code)
		}
	}
}
