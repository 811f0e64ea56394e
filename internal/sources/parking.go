package sources

// Residential parking: which addresses belong to which zone (parking-zones), the
// local vehicle tax roll (vehicles), and the subscriptions granted from a zone's
// places.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/store"
)

// anyNumber is the highest house number a segment written "toate" covers.
const anyNumber = 1 << 30

var parkingZones = &register{
	table:   "source_parking_zones",
	header:  []string{"street", "numbers", "zone", "annual_fee_lei", "places"},
	columns: []string{"street", "street_key", "number_from", "number_to", "parity", "zone", "fee_bani", "places"},
	parse: func(rec []string) ([]any, string, error) {
		key := StreetKey(rec[0])
		if key == "" {
			return nil, "", errors.New("the street is empty")
		}
		from, to, parity, err := parseNumbers(rec[1])
		if err != nil {
			return nil, "", err
		}
		if rec[2] == "" {
			return nil, "", errors.New("the zone is empty")
		}
		fee, err := parseLei(rec[3])
		if err != nil {
			return nil, "", fmt.Errorf("annual_fee_lei %q: %v", rec[3], err)
		}
		places, err := strconv.Atoi(rec[4])
		if err != nil || places < 0 || places > 100_000 {
			return nil, "", fmt.Errorf("places %q: want a whole number of places, 0 or more", rec[4])
		}
		return []any{rec[0], key, from, to, parity, rec[2], fee, places}, "segment " + key + " " + strings.ToLower(rec[1]), nil
	},
}

// parseNumbers reads the house numbers a street segment covers: "toate" (or
// empty) for the whole street, "12", "1-45", "2-40 pare" or "1-31 impare".
func parseNumbers(s string) (from, to int, parity string, err error) {
	bad := fmt.Errorf("numbers %q: want toate, 12, 1-45, 2-40 pare or 1-31 impare", s)
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || s == "toate" {
		return 0, anyNumber, "toate", nil
	}
	parity = "toate"
	if rng, p, ok := strings.Cut(s, " "); ok {
		p = strings.TrimSpace(p)
		if p != "pare" && p != "impare" {
			return 0, 0, "", bad
		}
		s, parity = rng, p
	}
	a, b, isRange := strings.Cut(s, "-")
	if !isRange {
		b = a
	}
	from, err1 := strconv.Atoi(a)
	to, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || from < 0 || to < from || to > anyNumber {
		return 0, 0, "", bad
	}
	return from, to, parity, nil
}

// streetTypes are the words before a street's name, dropped so that "Str. Horea",
// "strada Horea" and "Horea" are the same street. A square keeps its type: Cluj has
// both Piața Unirii and Str. Unirii, in different places.
var streetTypes = map[string]bool{"str": true, "strada": true, "bd": true, "b-dul": true, "bdul": true, "bulevardul": true,
	"calea": true, "cal": true, "aleea": true, "al": true, "splaiul": true,
	"sos": true, "soseaua": true, "intrarea": true, "int": true, "pasajul": true, "drumul": true, "str-la": true, "strada-la": true}

// squares are the ways of writing "piața".
var squares = map[string]bool{"piata": true, "p-ta": true, "pta": true, "p-t": true}

// addressStops end a street's name: the number and the parts of a flat's address.
var addressStops = map[string]bool{"nr": true, "numarul": true, "bl": true, "bloc": true, "sc": true, "scara": true,
	"et": true, "etaj": true, "ap": true, "apartament": true, "apartamentul": true, "cod": true, "loc": true, "jud": true, "judetul": true}

var foldRO = strings.NewReplacer("ă", "a", "â", "a", "î", "i", "ș", "s", "ş", "s", "ț", "t", "ţ", "t",
	"Ă", "a", "Â", "a", "Î", "i", "Ș", "s", "Ş", "s", "Ț", "t", "Ţ", "t")

// addressWords splits an address into lower-case words without diacritics; a
// comma is kept as its own word, dots end words.
func addressWords(s string) []string {
	s = strings.ToLower(foldRO.Replace(s))
	s = strings.NewReplacer(",", " , ", ";", " , ", ".", " ", ":", " ").Replace(s)
	return strings.Fields(s)
}

// StreetKey is the form of a street's name that lookups compare: lower case,
// without diacritics, punctuation or the street's type.
func StreetKey(street string) string {
	key, _, _ := ParseAddress(street)
	return key
}

// ParseAddress finds the street (as StreetKey) and house number in an address as
// people write it: "Str. Horea nr. 12, ap. 4", "Calea Dorobanților 45-47",
// "Bd. 21 Decembrie 1989 nr. 100, Cluj-Napoca". ok is false without a number.
func ParseAddress(address string) (street string, number int, ok bool) {
	words := addressWords(address)
	switch {
	case len(words) > 0 && streetTypes[words[0]]:
		words = words[1:]
	case len(words) > 0 && squares[words[0]]:
		words[0] = "piata"
	}
	var name []string
	i := 0
	for ; i < len(words); i++ {
		w := words[i]
		if w == "," || addressStops[w] {
			break
		}
		name = append(name, w)
	}
	numberAt := func(j int) (int, bool) {
		if j >= len(words) {
			return 0, false
		}
		return leadingNumber(words[j])
	}
	switch {
	case i < len(words) && (words[i] == "nr" || words[i] == "numarul"):
		number, ok = numberAt(i + 1)
	case i < len(words) && words[i] == ",":
		// "Horea, nr. 12" or "21 Decembrie 1989, 100": the number follows the comma.
		if j := i + 1; j < len(words) && (words[j] == "nr" || words[j] == "numarul") {
			number, ok = numberAt(j + 1)
		} else {
			number, ok = numberAt(j)
		}
	}
	if !ok && len(name) > 1 {
		// "Horea 12": the last word of the name is the number.
		if n, isNum := leadingNumber(name[len(name)-1]); isNum {
			number, ok, name = n, true, name[:len(name)-1]
		}
	}
	return strings.Join(name, " "), number, ok
}

// leadingNumber reads the digits a house number starts with: 12, 12A, 12-14.
func leadingNumber(w string) (int, bool) {
	end := 0
	for end < len(w) && end < 9 && w[end] >= '0' && w[end] <= '9' {
		end++
	}
	if end == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(w[:end])
	return n, err == nil
}

// ParkingZone is the residential parking zone of an address.
type ParkingZone struct {
	Zone    string
	Street  string // the street as the register writes it
	FeeBani int64  // the yearly fee for residents of the address
	Places  int    // the places of the whole zone
}

// ErrAmbiguousAddress means an address falls in two zones of the register.
var ErrAmbiguousAddress = errors.New("the address belongs to more than one parking zone")

// ParkingZoneFor returns the zone of an address, store.ErrNotFound if the address
// is in none (or has no house number), or ErrAmbiguousAddress.
func ParkingZoneFor(ctx context.Context, q store.Querier, address string) (ParkingZone, error) {
	street, number, ok := ParseAddress(address)
	if !ok || street == "" {
		return ParkingZone{}, store.ErrNotFound
	}
	rows, err := q.QueryContext(ctx, `SELECT street, zone, fee_bani, parity FROM source_parking_zones
		WHERE street_key = $1 AND number_from <= $2 AND number_to >= $2 ORDER BY id`, street, number)
	if err != nil {
		return ParkingZone{}, err
	}
	var found []ParkingZone
	for rows.Next() {
		var z ParkingZone
		var parity string
		if err := rows.Scan(&z.Street, &z.Zone, &z.FeeBani, &parity); err != nil {
			rows.Close()
			return ParkingZone{}, err
		}
		if parity == "toate" || (parity == "pare") == (number%2 == 0) {
			found = append(found, z)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ParkingZone{}, err
	}
	if len(found) == 0 {
		return ParkingZone{}, store.ErrNotFound
	}
	for _, z := range found[1:] {
		if z.Zone != found[0].Zone {
			return ParkingZone{}, ErrAmbiguousAddress
		}
	}
	z := found[0]
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(places), 0) FROM source_parking_zones WHERE zone = $1`, z.Zone).Scan(&z.Places)
	return z, err
}

// ActiveSubscriptions counts a zone's subscriptions valid on day (YYYY-MM-DD).
func ActiveSubscriptions(ctx context.Context, q store.Querier, zone, day string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM parking_subscriptions WHERE zone = $1 AND valid_until >= $2`, zone, day).Scan(&n)
	return n, err
}

// Vehicle is one vehicle in the local vehicle tax roll.
type Vehicle struct {
	Plate           string // normalised: CJ12ABC
	OwnerIdentifier string // CNP or CUI
	OwnerName       string
	Make            string
}

// plateShape is a Romanian plate without spaces: county, digits, letters
// (CJ12ABC, B123XYZ), or a temporary plate, county and digits from 0 (CJ012345).
var plateShape = regexp.MustCompile(`^[A-Z]{1,2}([0-9]{2,3}[A-Z]{3}|0[0-9]{3,6})$`)

// NormalizePlate writes a plate as the registers keep it: upper case, without
// spaces, hyphens or dots ("cj 12 abc" and "CJ-12-ABC" are CJ12ABC).
func NormalizePlate(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", ".", "", "\t", "").Replace(strings.TrimSpace(s)))
}

var vehicles = &register{
	table:   "source_vehicles",
	header:  []string{"plate", "owner_identifier", "owner_name", "make"},
	columns: []string{"plate", "owner_identifier", "owner_name", "make"},
	parse: func(rec []string) ([]any, string, error) {
		plate := NormalizePlate(rec[0])
		if !plateShape.MatchString(plate) {
			return nil, "", fmt.Errorf("plate %q is not a Romanian registration plate such as CJ 12 ABC", rec[0])
		}
		owner, err := Identifier(rec[1])
		if err != nil {
			return nil, "", err
		}
		if rec[2] == "" {
			return nil, "", errors.New("the owner's name is empty")
		}
		return []any{plate, owner, rec[2], rec[3]}, "plate " + plate, nil
	},
}

// VehicleFor returns the vehicle with a plate, written any way, or store.ErrNotFound.
func VehicleFor(ctx context.Context, q store.Querier, plate string) (Vehicle, error) {
	var v Vehicle
	err := q.QueryRowContext(ctx, `SELECT plate, owner_identifier, owner_name, make FROM source_vehicles WHERE plate = $1`, NormalizePlate(plate)).
		Scan(&v.Plate, &v.OwnerIdentifier, &v.OwnerName, &v.Make)
	return v, store.Map(err)
}

// Subscription is a residential parking subscription granted for a case.
type Subscription struct {
	CaseID     int64
	Zone       string
	Plate      string
	Identifier string // the holder's CNP
	ValidFrom  string // YYYY-MM-DD
	ValidUntil string // YYYY-MM-DD, the last day
	FeeBani    int64
}

// Errors of AllocateParking.
var (
	ErrZoneFull          = errors.New("the parking zone has no free place")
	ErrAlreadySubscribed = errors.New("the person or the vehicle already has a valid subscription")
)

// AllocateParking grants s a place in its zone if the zone has one free on
// s.ValidFrom, and returns the subscription. It is idempotent per case: a case
// that already has a subscription gets it back, whatever the zone's state now.
// The zone's lock row is taken before its subscriptions are counted, so two
// workers (or replicas) never give away the same last place.
func AllocateParking(ctx context.Context, db *store.DB, s Subscription) (Subscription, error) {
	var out Subscription
	err := db.Tx(ctx, func(tx *store.Tx) error {
		existing, err := SubscriptionForCase(ctx, tx, s.CaseID)
		if err == nil {
			out = existing
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		now := time.Now().UnixMicro()
		if _, err := tx.ExecContext(ctx, `INSERT INTO parking_zone_locks (zone, updated_at) VALUES ($1, $2)
			ON CONFLICT (zone) DO UPDATE SET updated_at = excluded.updated_at`, s.Zone, now); err != nil {
			return store.Map(err)
		}
		var others int
		// One place per person and per vehicle (HCL 412/2020); checked under the zone's
		// lock, which covers the usual case of one address, one zone.
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM parking_subscriptions WHERE valid_until >= $1 AND (identifier = $2 OR plate = $3)`,
			s.ValidFrom, s.Identifier, s.Plate).Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			return ErrAlreadySubscribed
		}
		var places, taken int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(places), 0) FROM source_parking_zones WHERE zone = $1`, s.Zone).Scan(&places); err != nil {
			return err
		}
		if taken, err = ActiveSubscriptions(ctx, tx, s.Zone, s.ValidFrom); err != nil {
			return err
		}
		if taken >= places {
			return ErrZoneFull
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO parking_subscriptions (case_id, zone, plate, identifier, valid_from, valid_until, fee_bani, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.CaseID, s.Zone, s.Plate, s.Identifier, s.ValidFrom, s.ValidUntil, s.FeeBani, now); err != nil {
			return store.Map(err)
		}
		out = s
		return nil
	})
	return out, err
}

// SubscriptionForCase returns the subscription granted for a case, or store.ErrNotFound.
func SubscriptionForCase(ctx context.Context, q store.Querier, caseID int64) (Subscription, error) {
	var s Subscription
	err := q.QueryRowContext(ctx, `SELECT case_id, zone, plate, identifier, valid_from, valid_until, fee_bani FROM parking_subscriptions WHERE case_id = $1`, caseID).
		Scan(&s.CaseID, &s.Zone, &s.Plate, &s.Identifier, &s.ValidFrom, &s.ValidUntil, &s.FeeBani)
	return s, store.Map(err)
}

// CancelSubscription ends the subscription granted for a case, inside tx, freeing
// its place; a case without one is left as it is.
func CancelSubscription(ctx context.Context, tx *store.Tx, caseID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM parking_subscriptions WHERE case_id = $1`, caseID)
	return store.Map(err)
}
