package sources

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/store"
)

// AgriculturalEntry is one position of the agricultural register (OG 28/2008): a
// household, its head, its land and its animals, as declared.
type AgriculturalEntry struct {
	Position string // "vol. 12, poz. 345"
	CNP      string
	Name     string
	Address  string
	LandM2   int64  // land in use, in square metres (1 ha = 10,000 m²)
	Animals  string // "2 bovine; 5 ovine", or empty
}

var agriculturalRegister = &register{
	table:   "source_agricultural_register",
	header:  []string{"cnp", "name", "position", "address", "land_ha", "animals"},
	columns: []string{"position", "cnp", "name", "address", "land_m2", "animals"},
	parse: func(rec []string) ([]any, string, error) {
		cnp, err := ident.NormalizeCNP(rec[0])
		if err != nil {
			return nil, "", fmt.Errorf("cnp %q is not a valid CNP", rec[0])
		}
		name, address := strings.Join(strings.Fields(rec[1]), " "), strings.Join(strings.Fields(rec[3]), " ")
		if name == "" {
			return nil, "", errors.New("the name is empty")
		}
		if address == "" {
			return nil, "", errors.New("the address is empty")
		}
		position, err := normalizePosition(rec[2])
		if err != nil {
			return nil, "", err
		}
		land, err := parseHectares(rec[4])
		if err != nil {
			return nil, "", fmt.Errorf("land_ha %q: %v", rec[4], err)
		}
		animals, err := normalizeAnimals(rec[5])
		if err != nil {
			return nil, "", fmt.Errorf("animals %q: %v", rec[5], err)
		}
		return []any{position, cnp, name, address, land, animals}, "position " + position, nil
	},
}

var positionPattern = regexp.MustCompile(`^vol(?:umul)?\s*(\d{1,4})\s*[,;/]?\s*poz(?:itia)?\s*(\d{1,6})$`)

// normalizePosition reads a volume and position ("Vol. 12, poz. 345", "vol 12 /
// pozitia 345") and writes it the one way: "vol. 12, poz. 345".
func normalizePosition(s string) (string, error) {
	m := positionPattern.FindStringSubmatch(nomenclatureKey(s))
	if m == nil {
		return "", fmt.Errorf("position %q: want the volume and position, such as \"vol. 12, poz. 345\"", s)
	}
	vol, _ := strconv.Atoi(m[1])
	pos, _ := strconv.Atoi(m[2])
	if vol < 1 || pos < 1 {
		return "", fmt.Errorf("position %q: volumes and positions start at 1", s)
	}
	return fmt.Sprintf("vol. %d, poz. %d", vol, pos), nil
}

// parseHectares reads an area in hectares with at most four decimals (a square
// metre), with a decimal point or comma; empty is 0. It returns square metres.
func parseHectares(s string) (int64, error) {
	s = strings.Replace(strings.TrimSpace(s), ",", ".", 1)
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	bad := errors.New("want hectares such as 0, 1.25 or 0,0850 (at most four decimals)")
	if whole == "" || len(frac) > 4 || strings.ContainsAny(whole+frac, "+-eE ") {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt32 {
		return 0, bad
	}
	frac += strings.Repeat("0", 4-len(frac))
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, bad
	}
	return w*10_000 + f, nil
}

var animalItem = regexp.MustCompile(`^(\d{1,6})\s+(\pL[\pL \-]*)$`)

// normalizeAnimals checks the animals column: items "count kind" separated by
// ";" ("2 bovine; 5 ovine"), written back with one space after each ";".
func normalizeAnimals(s string) (string, error) {
	var items []string
	for _, item := range strings.Split(s, ";") {
		item = strings.Join(strings.Fields(item), " ")
		if item == "" {
			continue
		}
		m := animalItem.FindStringSubmatch(item)
		if m == nil {
			return "", fmt.Errorf("%q: want a count and a kind, such as \"2 bovine\", separated by \";\"", item)
		}
		if n, _ := strconv.Atoi(m[1]); n < 1 {
			return "", fmt.Errorf("%q: leave out kinds with no animals", item)
		}
		items = append(items, item)
	}
	return strings.Join(items, "; "), nil
}

// AgriculturalEntriesFor returns the positions of the agricultural register whose
// household head has the CNP, by volume and position; none is an empty list.
func AgriculturalEntriesFor(ctx context.Context, q store.Querier, cnp string) ([]AgriculturalEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT position, cnp, name, address, land_m2, animals
		FROM source_agricultural_register WHERE cnp = $1`, strings.TrimSpace(cnp))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AgriculturalEntry
	for rows.Next() {
		var e AgriculturalEntry
		if err := rows.Scan(&e.Position, &e.CNP, &e.Name, &e.Address, &e.LandM2, &e.Animals); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// "vol. 2" comes before "vol. 12": sort by the numbers, not the text.
	slices.SortFunc(out, func(a, b AgriculturalEntry) int {
		va, pa := positionNumbers(a.Position)
		vb, pb := positionNumbers(b.Position)
		return cmp.Or(cmp.Compare(va, vb), cmp.Compare(pa, pb))
	})
	return out, nil
}

// positionNumbers returns the volume and position of a normalised position.
func positionNumbers(p string) (vol, pos int) {
	fmt.Sscanf(p, "vol. %d, poz. %d", &vol, &pos)
	return vol, pos
}
