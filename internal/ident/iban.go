package ident

import "strings"

// IBAN checks a Romanian bank account number: "RO", two check digits, the
// four-letter bank code and sixteen letters or digits, 24 characters in all,
// with the ISO 13616 mod-97 check. Spaces and lower case are accepted
// ("ro49 aaaa 1b31 0075 9384 0000"). It returns nil or ErrCountry (a foreign
// IBAN), ErrLength, ErrFormat or ErrChecksum.
func IBAN(s string) error {
	_, err := NormalizeIBAN(s)
	return err
}

// NormalizeIBAN checks s like IBAN and returns it in the electronic format:
// upper case, no spaces (RO49AAAA1B31007593840000).
func NormalizeIBAN(s string) (string, error) {
	c := strings.ToUpper(removeSpaces(strings.TrimSpace(s)))
	if len(c) >= 2 && isUpperLetter(c[0]) && isUpperLetter(c[1]) && c[:2] != "RO" {
		return "", ErrCountry
	}
	for i := 0; i < len(c); i++ {
		if !isUpperLetter(c[i]) && (c[i] < '0' || c[i] > '9') {
			return "", ErrFormat
		}
	}
	if len(c) != 24 {
		return "", ErrLength
	}
	if c[:2] != "RO" || !isDigits(c[2:4]) {
		return "", ErrFormat
	}
	for i := 4; i < 8; i++ {
		if !isUpperLetter(c[i]) {
			return "", ErrFormat
		}
	}
	if mod97(c[4:]+c[:4]) != 1 {
		return "", ErrChecksum
	}
	return c, nil
}

// mod97 returns the number formed by s, with letters read as A=10 … Z=35,
// modulo 97. It works digit by digit, so the length of s does not matter.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if isUpperLetter(ch) {
			v := int(ch-'A') + 10
			r = (r*100 + v) % 97
		} else {
			r = (r*10 + int(ch-'0')) % 97
		}
	}
	return r
}

func isUpperLetter(b byte) bool { return b >= 'A' && b <= 'Z' }
