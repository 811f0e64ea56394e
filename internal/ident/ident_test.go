package ident

import (
	"errors"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/calendar"
)

// fixedNow pins the clock used for "born in the future" checks.
func fixedNow(t *testing.T, day string) {
	t.Helper()
	d, err := calendar.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	old := now
	now = func() time.Time { return d.Add(12 * time.Hour) }
	t.Cleanup(func() { now = old })
}

func TestCNP(t *testing.T) {
	fixedNow(t, "2025-06-15")
	tests := []struct {
		in   string
		want error
	}{
		{"1630615123457", nil},
		{"1920822296090", nil},
		{" 1630615123457\t", nil},
		{"163 0615 123457", nil},
		{"1630615123458", ErrChecksum},
		{"1920822296091", ErrChecksum},
		{"", ErrLength},
		{"   ", ErrLength},
		{"163061512345", ErrLength},
		{"16306151234570", ErrLength},
		{"163061512345a", ErrFormat},
		{"1630615-123457", ErrFormat},
		{"１６３０６１５１２３４５７", ErrFormat}, // full-width digits
		{"0630615123457", ErrFormat}, // S = 0 was never issued
		{"1630615120000", ErrFormat}, // serial 000
		{"1632215123457", ErrDate},   // month 22
		{"1630230123457", ErrDate},   // 30 February
		{"1630600123457", ErrDate},   // day 0
		{"1630631123457", ErrDate},   // 31 June
		{"6250616123457", ErrDate},   // tomorrow
		{"1630615493457", ErrCounty}, // 49
		{"1630615003457", ErrCounty}, // 00
		{"1630615993457", ErrCounty}, // 99
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if err := CNP(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("CNP(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

// withCheckDigit completes twelve digits into a CNP with a correct check digit.
func withCheckDigit(first12 string) string {
	return first12 + string(cnpCheckDigit(first12+"0"))
}

func TestCNPFieldsOfValidNumbers(t *testing.T) {
	fixedNow(t, "2025-06-15")
	tests := []struct {
		first12 string
		birth   string
		sex     Sex
		county  error
	}{
		{"163061512345", "1963-06-15", SexMale, nil},
		{"292082229609", "1992-08-22", SexFemale, nil},
		{"300010112345", "1800-01-01", SexMale, nil},    // S=3: male, 1800s
		{"400022912345", "", SexFemale, ErrDate},        // 1800 was not a leap year
		{"500022912345", "2000-02-29", SexMale, nil},    // 2000 was
		{"625061512345", "2025-06-15", SexFemale, nil},  // born today
		{"710010112345", "2010-01-01", SexMale, nil},    // resident, latest century
		{"830010112345", "1930-01-01", SexFemale, nil},  // 2030 is in the future
		{"999123112345", "1999-12-31", SexUnknown, nil}, // foreigner
		{"163061547345", "1963-06-15", SexMale, nil},    // 47: former sector 7
		{"163061548345", "1963-06-15", SexMale, nil},    // 48: former sector 8
		{"163061551345", "1963-06-15", SexMale, nil},    // Călărași
		{"163061552345", "1963-06-15", SexMale, nil},    // Giurgiu
		{"163061570345", "1963-06-15", SexMale, nil},    // 70, accepted leniently
		{"163061553345", "", SexMale, ErrCounty},
	}
	for _, tt := range tests {
		cnp := withCheckDigit(tt.first12)
		t.Run(cnp, func(t *testing.T) {
			d, err := CNPBirthDate(cnp)
			if tt.county != nil {
				if !errors.Is(err, tt.county) {
					t.Fatalf("CNPBirthDate(%s) error = %v, want %v", cnp, err, tt.county)
				}
				return
			}
			if err != nil {
				t.Fatalf("CNPBirthDate(%s): %v", cnp, err)
			}
			if got := calendar.FormatDate(d); got != tt.birth {
				t.Errorf("birth date = %s, want %s", got, tt.birth)
			}
			sex, err := CNPSex(cnp)
			if err != nil || sex != tt.sex {
				t.Errorf("CNPSex = %q, %v; want %q", sex, err, tt.sex)
			}
		})
	}
}

func TestCUI(t *testing.T) {
	tests := []struct {
		in, canonical string
		want          error
	}{
		{"18547290", "18547290", nil},
		{"13548146", "13548146", nil},
		{"RO18547290", "18547290", nil},
		{"ro18547290", "18547290", nil},
		{"Ro 18547290", "18547290", nil},
		{"  RO18547290 ", "18547290", nil},
		{"18547291", "", ErrChecksum},
		{"", "", ErrLength},
		{"RO", "", ErrLength},
		{"1", "", ErrLength},
		{"12345678901", "", ErrLength},
		{"018547290", "", ErrFormat},
		{"1854 7290", "", ErrFormat},
		{"RO-18547290", "", ErrFormat},
		{"DE18547290", "", ErrFormat},
		{"18547290RO", "", ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeCUI(tt.in)
			if !errors.Is(err, tt.want) || got != tt.canonical {
				t.Errorf("NormalizeCUI(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.canonical, tt.want)
			}
			if err := CUI(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("CUI(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

func TestIBAN(t *testing.T) {
	tests := []struct {
		in, canonical string
		want          error
	}{
		{"RO49AAAA1B31007593840000", "RO49AAAA1B31007593840000", nil},
		{"RO56TREZ0462107020101XXX", "RO56TREZ0462107020101XXX", nil},
		{"ro49 aaaa 1b31 0075 9384 0000", "RO49AAAA1B31007593840000", nil},
		{" RO56 TREZ 0462 1070 2010 1XXX ", "RO56TREZ0462107020101XXX", nil},
		{"RO48AAAA1B31007593840000", "", ErrChecksum},
		{"RO49AAAA1B31007593840001", "", ErrChecksum},
		{"DE89370400440532013000", "", ErrCountry},
		{"de89 3704 0044 0532 0130 00", "", ErrCountry},
		{"RO49AAAA1B3100759384000", "", ErrLength},
		{"RO49AAAA1B310075938400000", "", ErrLength},
		{"", "", ErrLength},
		{"RO49-AAAA-1B31-0075-9384-0000", "", ErrFormat},
		{"RO4AAAAA1B31007593840000", "", ErrFormat},
		{"RO491AAA1B31007593840000", "", ErrFormat},
		{"49ROAAAA1B31007593840000", "", ErrFormat},
		{"RO49AAAA1B3100759384000ș", "", ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeIBAN(tt.in)
			if !errors.Is(err, tt.want) || got != tt.canonical {
				t.Errorf("NormalizeIBAN(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.canonical, tt.want)
			}
			if err := IBAN(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("IBAN(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

func TestErrorCodesAreStable(t *testing.T) {
	// The codes are translation keys elsewhere; renaming one breaks them.
	want := map[*Error]string{
		ErrLength: "length", ErrFormat: "format", ErrChecksum: "checksum",
		ErrDate: "date", ErrCounty: "county", ErrCountry: "country",
	}
	for e, code := range want {
		if e.Code != code {
			t.Errorf("%v has code %q, want %q", e, e.Code, code)
		}
	}
}
