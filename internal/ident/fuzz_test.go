package ident

import (
	"errors"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/calendar"
)

// isSentinel reports whether err is nil or one of the package's errors.
func isSentinel(err error) bool {
	var e *Error
	return err == nil || errors.As(err, &e)
}

func FuzzCNP(f *testing.F) {
	for _, s := range []string{"1630615123457", "1630615123458", "1920822296090", "1920822296091", "", "0", " 5000229123457", "7100101123450"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := NormalizeCNP(s)
		if !isSentinel(err) || (err == nil) != (CNP(s) == nil) {
			t.Fatalf("NormalizeCNP(%q) = %v, CNP = %v", s, err, CNP(s))
		}
		if err != nil {
			return
		}
		if again, err := NormalizeCNP(c); err != nil || again != c {
			t.Fatalf("NormalizeCNP(%q) = %q, %v; not a fixed point", c, again, err)
		}
		if len(c) != 13 || cnpCheckDigit(c) != c[12] {
			t.Fatalf("accepted %q with a wrong check digit", c)
		}
		d, err := CNPBirthDate(c)
		if err != nil {
			t.Fatalf("accepted %q without a birth date: %v", c, err)
		}
		if d.After(calendar.Civil(time.Now())) {
			t.Fatalf("accepted %q born in the future (%s)", c, d)
		}
		if got := d.Format("060102"); got != c[1:7] {
			t.Fatalf("birth date %s does not match digits %s", d, c[1:7])
		}
	})
}

func FuzzCUI(f *testing.F) {
	for _, s := range []string{"18547290", "RO18547290", "ro 13548146", "18547291", "", "RO", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := NormalizeCUI(s)
		if !isSentinel(err) || (err == nil) != (CUI(s) == nil) {
			t.Fatalf("NormalizeCUI(%q) = %v", s, err)
		}
		if err != nil {
			return
		}
		if again, err := NormalizeCUI(c); err != nil || again != c {
			t.Fatalf("NormalizeCUI(%q) = %q, %v; not a fixed point", c, again, err)
		}
		if again, err := NormalizeCUI("RO" + c); err != nil || again != c {
			t.Fatalf("NormalizeCUI(RO%s) = %q, %v", c, again, err)
		}
	})
}

func FuzzIBAN(f *testing.F) {
	for _, s := range []string{"RO49AAAA1B31007593840000", "ro49 aaaa 1b31 0075 9384 0000", "RO56TREZ0462107020101XXX", "DE89370400440532013000", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := NormalizeIBAN(s)
		if !isSentinel(err) || (err == nil) != (IBAN(s) == nil) {
			t.Fatalf("NormalizeIBAN(%q) = %v", s, err)
		}
		if err != nil {
			return
		}
		if again, err := NormalizeIBAN(c); err != nil || again != c {
			t.Fatalf("NormalizeIBAN(%q) = %q, %v; not a fixed point", c, again, err)
		}
		if len(c) != 24 || c[:2] != "RO" || mod97(c[4:]+c[:4]) != 1 {
			t.Fatalf("accepted %q", c)
		}
	})
}
