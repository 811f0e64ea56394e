package sources

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/cetate/cetate/internal/store"
)

// Street is one street of the nomenclature approved by the city council.
type Street struct {
	Code string
	Name string // without the type: "Eroilor"
	Type string // a key of StreetTypes: "bulevardul"
	// FormerNames are the names the street had before RenamedOn, when Decision (a
	// council decision, "HCL nr. 12/1990") gave it its name.
	FormerNames []string
	RenamedOn   string // YYYY-MM-DD, or empty
	Decision    string
	// Numbers are the administrative numbers that exist on the street, as written
	// in the register: "1-45 impare; 2-60 pare; 12A".
	Numbers string
}

// StreetTypes are the kinds of street and how the official name writes them.
var StreetTypes = map[string]string{
	"strada": "Strada", "bulevardul": "Bulevardul", "piata": "Piața", "calea": "Calea", "aleea": "Aleea",
	"splaiul": "Splaiul", "intrarea": "Intrarea", "pasajul": "Pasajul", "soseaua": "Șoseaua", "drumul": "Drumul",
}

// streetTypeWords are the ways people write a street type, folded, with the type
// they mean; "b-dul" and "p-ța" fold to two words and streetNameKey handles them.
var streetTypeWords = map[string]string{
	"strada": "strada", "str": "strada",
	"bulevardul": "bulevardul", "bulevard": "bulevardul", "bd": "bulevardul", "bdul": "bulevardul", "blvd": "bulevardul",
	"piata": "piata", "pta": "piata", "pt": "piata",
	"calea": "calea", "cal": "calea",
	"aleea": "aleea", "alee": "aleea", "al": "aleea",
	"splaiul": "splaiul", "splai": "splaiul", "spl": "splaiul",
	"intrarea": "intrarea", "intr": "intrarea",
	"pasajul": "pasajul", "pasaj": "pasajul",
	"soseaua": "soseaua", "sosea": "soseaua", "sos": "soseaua",
	"drumul": "drumul", "drum": "drumul",
}

// Official is the street's official name: "Bulevardul Eroilor".
func (s Street) Official() string { return StreetTypes[s.Type] + " " + s.Name }

// HasNumber reports whether the administrative number n (normalised by
// NormalizeHouseNumber) exists on the street.
func (s Street) HasNumber(n string) bool {
	spans, err := parseHouseNumbers(s.Numbers)
	if err != nil {
		return false
	}
	for _, sp := range spans {
		if sp.holds(n) {
			return true
		}
	}
	return false
}

// StreetMatch is a street a name in a request designates, and the former name it
// was designated by ("" when by its current name).
type StreetMatch struct {
	Street     Street
	FormerName string
}

var streetRegister = &register{
	table:   "source_streets",
	header:  []string{"street_code", "name", "type", "old_names", "renamed_on", "decision", "numbers"},
	columns: []string{"street_code", "name", "type", "former_names", "renamed_on", "decision", "numbers", "match_keys"},
	parse: func(rec []string) ([]any, string, error) {
		code, name, numbers := rec[0], strings.Join(strings.Fields(rec[1]), " "), rec[6]
		if !placeCodePattern.MatchString(code) {
			return nil, "", fmt.Errorf("street_code %q: want letters, digits, dot, dash or underscore, at most 32", code)
		}
		typ, ok := streetTypeWords[nomenclatureKey(rec[2])]
		if !ok {
			return nil, "", fmt.Errorf("type %q: want one of stradă, bulevard, piață, calea, aleea, splaiul, intrarea, pasajul, șoseaua, drumul", rec[2])
		}
		// The type goes in its own column: "Strada Horea" in the name would make
		// the official name "Strada Strada Horea".
		if typ, key := streetNameKey(name); key == "" || typ != "" {
			return nil, "", fmt.Errorf("name %q: write the name without the street type, which goes in the type column", name)
		}
		var formers []string
		keys := []string{nomenclatureKey(name)}
		for _, f := range strings.Split(rec[3], ";") {
			if f = strings.Join(strings.Fields(f), " "); f == "" {
				continue
			}
			_, key := streetNameKey(f)
			if key == "" {
				return nil, "", fmt.Errorf("old_names: %q is not a street name", f)
			}
			formers = append(formers, f)
			keys = append(keys, key)
		}
		renamed, decision := rec[4], strings.Join(strings.Fields(rec[5]), " ")
		if len(formers) > 0 || renamed != "" || decision != "" {
			if len(formers) == 0 || renamed == "" || decision == "" {
				return nil, "", errors.New("a renaming needs old_names, renamed_on and decision together")
			}
			day, err := time.Parse("2006-01-02", renamed)
			if err != nil || day.After(time.Now()) || day.Year() < 1850 {
				return nil, "", fmt.Errorf("renamed_on %q: want a past date YYYY-MM-DD", renamed)
			}
		}
		if _, err := parseHouseNumbers(numbers); err != nil {
			return nil, "", fmt.Errorf("numbers %q: %v", numbers, err)
		}
		return []any{code, name, typ, strings.Join(formers, "; "), renamed, decision, numbers, "|" + strings.Join(keys, "|") + "|"},
			"street_code " + code, nil
	},
}

// placeCodePattern is what a register's own identifiers may look like.
var placeCodePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// nomenclatureFold takes the marks off letters: ș, ş and s are the same letter to
// people who type a street's name. A chain keeps state, so each call makes its own.
func nomenclatureFold() transform.Transformer {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// nomenclatureKey folds a name for comparison: no diacritics, lower case, only
// letters and digits, one space between words.
func nomenclatureKey(s string) string {
	folded, _, err := transform.String(nomenclatureFold(), s)
	if err != nil {
		folded = s
	}
	var b strings.Builder
	for _, r := range strings.ToLower(folded) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// streetNameKey splits a street as people write it ("B-dul Eroilor nr. 5",
// "str horea") into the type it names ("" if none) and the folded name without the
// type and without what follows "nr".
func streetNameKey(s string) (typ, key string) {
	words := strings.Fields(nomenclatureKey(s))
	for i, w := range words {
		if w == "nr" || w == "numarul" {
			words = words[:i]
			break
		}
	}
	if len(words) >= 3 { // "b-dul" and "p-ța" fold to two words
		switch words[0] + " " + words[1] {
		case "b dul":
			typ, words = "bulevardul", words[2:]
		case "p ta":
			typ, words = "piata", words[2:]
		}
	}
	if typ == "" && len(words) >= 2 { // a lone "Calea" is a name, not a type
		if t, ok := streetTypeWords[words[0]]; ok {
			typ, words = t, words[1:]
		}
	}
	return typ, strings.Join(words, " ")
}

// FindStreets returns the streets a street name in a request designates, by their
// current or former names, without regard to diacritics, case or abbreviations of
// the type. When the name gives a type (Piața, Str.) and some streets have it, only
// those are returned. More than one street means the name is ambiguous.
func FindStreets(ctx context.Context, q store.Querier, name string) ([]StreetMatch, error) {
	typ, key := streetNameKey(name)
	if key == "" {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT street_code, name, type, former_names, renamed_on, decision, numbers
		FROM source_streets WHERE match_keys LIKE $1 ORDER BY street_code`, "%|"+key+"|%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all, typed []StreetMatch
	for rows.Next() {
		var s Street
		var formers string
		if err := rows.Scan(&s.Code, &s.Name, &s.Type, &formers, &s.RenamedOn, &s.Decision, &s.Numbers); err != nil {
			return nil, err
		}
		if formers != "" {
			s.FormerNames = strings.Split(formers, "; ")
		}
		// The name may be the current one, a former one, or both (Strada
		// Dorobanților became Calea Dorobanților): the type asked for decides, then
		// the current name.
		m, matchedType := StreetMatch{Street: s}, ""
		if nomenclatureKey(s.Name) == key {
			matchedType = s.Type
		}
		for _, f := range s.FormerNames {
			if ft, fk := streetNameKey(f); fk == key && (matchedType == "" || (typ != "" && ft == typ && matchedType != typ)) {
				m.FormerName, matchedType = f, ft
			}
		}
		all = append(all, m)
		if typ != "" && (matchedType == typ || matchedType == "") {
			typed = append(typed, m)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(typed) > 0 {
		return typed, nil
	}
	return all, nil
}

// A houseSpan is one item of a street's numbers: a single number ("12A") or a range
// of plain numbers, maybe only the odd or even ones.
type houseSpan struct {
	single   string
	from, to int
	step     int // 1, or 2 for the odd or even numbers of the range
}

func (sp houseSpan) holds(n string) bool {
	if sp.single != "" {
		return sp.single == n
	}
	v, err := strconv.Atoi(n)
	if err != nil {
		return false // numbers with a letter are listed one by one
	}
	return v >= sp.from && v <= sp.to && (v-sp.from)%sp.step == 0
}

var (
	houseRange  = regexp.MustCompile(`^(\d{1,5})\s*-\s*(\d{1,5})(?:\s+(pare|impare))?$`)
	houseNumber = regexp.MustCompile(`^(\d{1,5})\s*[-/]?\s*([a-z]|bis)?$`)
)

// parseHouseNumbers reads a street's numbers: items separated by ";", each a
// number ("12", "12A", "3 bis") or a range ("1-45", "1-45 impare", "2-60 pare").
func parseHouseNumbers(s string) ([]houseSpan, error) {
	var out []houseSpan
	for _, item := range strings.Split(s, ";") {
		item = strings.ToLower(strings.Join(strings.Fields(item), " "))
		if item == "" {
			continue
		}
		if m := houseRange.FindStringSubmatch(item); m != nil {
			from, _ := strconv.Atoi(m[1])
			to, _ := strconv.Atoi(m[2])
			sp := houseSpan{from: from, to: to, step: 1}
			if m[3] != "" {
				sp.step = 2
				if wantOdd := m[3] == "impare"; (from%2 == 1) != wantOdd || (to%2 == 1) != wantOdd {
					return nil, fmt.Errorf("the range %s does not start and end on %s numbers", item, m[3])
				}
			}
			if from < 1 || from > to {
				return nil, fmt.Errorf("the range %s must go from 1 or more upwards", item)
			}
			out = append(out, sp)
			continue
		}
		n, err := NormalizeHouseNumber(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a number (12, 12A, 3 bis) nor a range (1-45, 1-45 impare, 2-60 pare)", item)
		}
		out = append(out, houseSpan{single: n})
	}
	if len(out) == 0 {
		return nil, errors.New("list the administrative numbers of the street")
	}
	return out, nil
}

// NormalizeHouseNumber reads an administrative number as people write it ("nr.
// 12 a", "12/A", "3 BIS") and returns it as the register writes it: "12A", "3bis".
func NormalizeHouseNumber(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"numărul", "numarul", "nr.", "nr"} {
		s = strings.TrimSpace(strings.TrimPrefix(s, p))
	}
	m := houseNumber.FindStringSubmatch(strings.Join(strings.Fields(s), " "))
	if m == nil {
		return "", fmt.Errorf("%q is not an administrative number such as 12, 12A or 3 bis", s)
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 {
		return "", errors.New("administrative numbers start at 1")
	}
	suffix := m[2]
	if suffix != "bis" {
		suffix = strings.ToUpper(suffix)
	}
	return strconv.Itoa(n) + suffix, nil
}

// SortedStreetNames returns the official names of matches, sorted, for messages.
func SortedStreetNames(ms []StreetMatch) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Street.Official()
	}
	sort.Strings(out)
	return out
}
