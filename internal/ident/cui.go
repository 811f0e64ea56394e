package ident

import "strings"

// cuiWeights multiply the body of a CUI left-padded to nine digits.
var cuiWeights = [9]int{7, 5, 3, 2, 1, 7, 5, 3, 2}

// CUI checks a cod unic de înregistrare (company fiscal code, also CIF): 2 to
// 10 digits, no leading zero, the last one a check digit. An optional "RO"
// prefix (VAT-registered companies), in any case and with or without a space
// after it, and surrounding white space are accepted. It returns nil or
// ErrLength, ErrFormat or ErrChecksum.
func CUI(s string) error {
	_, err := NormalizeCUI(s)
	return err
}

// NormalizeCUI checks s like CUI and returns the digits alone. The "RO" prefix
// is dropped: it records VAT registration, which can change, while the number
// identifies the company for good.
func NormalizeCUI(s string) (string, error) {
	c := strings.TrimSpace(s)
	if len(c) >= 2 && strings.EqualFold(c[:2], "RO") {
		c = strings.TrimLeft(c[2:], " ")
	}
	if c == "" {
		return "", ErrLength
	}
	if !isDigits(c) || c[0] == '0' {
		return "", ErrFormat
	}
	if len(c) < 2 || len(c) > 10 {
		return "", ErrLength
	}
	body := c[:len(c)-1]
	pad := len(cuiWeights) - len(body)
	sum := 0
	for i := 0; i < len(body); i++ {
		sum += int(body[i]-'0') * cuiWeights[pad+i]
	}
	if byte('0'+sum*10%11%10) != c[len(c)-1] {
		return "", ErrChecksum
	}
	return c, nil
}
