package clerk

// Residential parking subscription (abonament de parcare rezidențială, Cluj HCL
// 412/2020): the address must be in a residential parking zone and confirmed by the
// tax roll, the car registered to the applicant in the local vehicle tax roll, no
// local debts, and a place free in the zone, allocated here.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
)

// ParkingFacts say whether the address in the form lies in a residential parking
// zone (source parking-zones).
type ParkingFacts struct {
	Found bool `expr:"found" json:"found"`
	// Ambiguous: the register puts the address in two zones.
	Ambiguous bool `expr:"ambiguous" json:"ambiguous"`
	// AddressConfirmed: the tax roll has the applicant at the same street and number.
	AddressConfirmed bool    `expr:"address_confirmed" json:"address_confirmed"`
	Zone             string  `expr:"zone" json:"zone,omitempty"`
	Street           string  `expr:"street" json:"street,omitempty"`
	FeeLei           float64 `expr:"fee_lei" json:"fee_lei"`
	Places           int     `expr:"places" json:"places"`
	// Free is the zone's places not taken today, when the facts were gathered; the
	// allocation counts again under a lock.
	Free int `expr:"free" json:"free"`
}

// VehicleFacts come from the local vehicle tax roll, for the plate in the form
// (source vehicles).
type VehicleFacts struct {
	Found bool   `expr:"found" json:"found"`
	Plate string `expr:"plate" json:"plate,omitempty"` // normalised: CJ12ABC
	// Owned: the vehicle is registered to the CNP in the form.
	Owned bool   `expr:"owned" json:"owned"`
	Make  string `expr:"make" json:"make,omitempty"`
}

func gatherParking(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	address := c.Fields["address"]
	z, err := sources.ParkingZoneFor(ctx, w.db.Read(), address)
	switch {
	case errors.Is(err, sources.ErrAmbiguousAddress):
		f.Parking.Ambiguous = true
		return nil
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	taken, err := sources.ActiveSubscriptions(ctx, w.db.Read(), z.Zone, f.Today)
	if err != nil {
		return err
	}
	f.Parking = ParkingFacts{Found: true, Zone: z.Zone, Street: z.Street, FeeLei: float64(z.FeeBani) / 100, Places: z.Places, Free: max(0, z.Places-taken)}
	if cnp := c.Fields["cnp"]; cnp != "" {
		rec, err := sources.TaxRecordFor(ctx, w.db.Read(), cnp)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
			s1, n1, ok1 := sources.ParseAddress(address)
			s2, n2, ok2 := sources.ParseAddress(rec.Address)
			f.Parking.AddressConfirmed = ok1 && ok2 && s1 == s2 && n1 == n2
		}
	}
	return nil
}

func gatherVehicle(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	f.Vehicle.Plate = sources.NormalizePlate(c.Fields["plate_number"])
	v, err := sources.VehicleFor(ctx, w.db.Read(), f.Vehicle.Plate)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	f.Vehicle.Found, f.Vehicle.Make = true, v.Make
	f.Vehicle.Owned = c.Fields["cnp"] != "" && v.OwnerIdentifier == c.Fields["cnp"]
	return nil
}

// answerParking allocates a place in the zone for 12 months from today and states
// the zone, the vehicle, the validity and the fee.
func answerParking(ctx context.Context, w *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	from, err := calendar.ParseDate(f.Today)
	if err != nil {
		return Answer{}, err
	}
	until := from.AddDate(1, 0, -1)
	s, err := sources.AllocateParking(ctx, w.db, sources.Subscription{CaseID: c.ID, Zone: f.Parking.Zone, Plate: f.Vehicle.Plate,
		Identifier: c.Fields["cnp"], ValidFrom: f.Today, ValidUntil: calendar.FormatDate(until), FeeBani: int64(f.Parking.FeeLei*100 + 0.5)})
	switch {
	case errors.Is(err, sources.ErrZoneFull):
		return Answer{}, &Doubt{Rule: "abonament-parcare-rezidentiala/zona-plina", Explain: catalog.Text{
			RO: fmt.Sprintf("Toate cele %d locuri de parcare rezidențială din zona %s sunt ocupate. Cererea rămâne pe lista de așteptare, iar un funcționar vă anunță când se eliberează un loc.", f.Parking.Places, f.Parking.Zone),
			EN: fmt.Sprintf("All %d residential parking places in zone %s are taken. Your application stays on the waiting list and a civil servant tells you when a place becomes free.", f.Parking.Places, f.Parking.Zone),
			HU: fmt.Sprintf("A(z) %s övezet mind a(z) %d lakossági parkolóhelye foglalt. A kérelme várólistára kerül, és egy ügyintéző értesíti, amikor felszabadul egy hely.", f.Parking.Zone, f.Parking.Places)}}
	case errors.Is(err, sources.ErrAlreadySubscribed):
		return Answer{}, &Doubt{Rule: "abonament-parcare-rezidentiala/abonament-existent", Explain: catalog.Text{
			RO: "Dumneavoastră sau autovehiculul aveți deja un abonament de parcare rezidențială valabil, iar regulamentul permite cel mult un loc de persoană. Un funcționar verifică cererea.",
			EN: "You or the vehicle already have a valid residential parking permit, and the rules allow at most one place per person. A civil servant checks the application.",
			HU: "Önnek vagy a járműnek már van érvényes lakossági parkolóbérlete, a szabályzat pedig személyenként legfeljebb egy helyet enged. Egy ügyintéző ellenőrzi a kérelmet."}}
	case err != nil:
		return Answer{}, err
	}
	fee := Lei(float64(s.FeeBani) / 100)
	plate := FormatPlate(s.Plate)
	a := Answer{
		Reason: fmt.Sprintf("Se atribuie abonamentul de parcare rezidențială în zona %s pentru autovehiculul %s, valabil de la %s până la %s.",
			s.Zone, plate, dayDate(s.ValidFrom), dayDate(s.ValidUntil)),
		Paragraphs: []string{
			fmt.Sprintf("Vi se atribuie un abonament de parcare rezidențială în zona %s, pentru autovehiculul cu numărul de înmatriculare %s, valabil de la %s până la %s inclusiv.",
				s.Zone, plate, dayDate(s.ValidFrom), dayDate(s.ValidUntil)),
			fmt.Sprintf("Am verificat automat că adresa %s aparține zonei %s (%s) și figurează în evidența fiscală pe numele dumneavoastră, că autovehiculul este înregistrat pe numele dumneavoastră în evidența fiscală locală și că nu aveți obligații de plată restante la bugetul local.",
				c.Fields["address"], s.Zone, f.Parking.Street),
			fmt.Sprintf("Tariful anual este de %s lei și se achită la casieriile Direcției Taxe și Impozite Locale sau online, pe ghiseul.ro, menționând numărul prezentului document. Abonamentul este valabil numai împreună cu dovada plății și se afișează la loc vizibil, pe parbrizul autovehiculului.", fee),
		},
		Table: [][]string{{"Zona", "Număr de înmatriculare", "Valabil de la", "Valabil până la", "Tarif anual (lei)"},
			{s.Zone, plate, dayDate(s.ValidFrom), dayDate(s.ValidUntil), fee}},
	}
	return a, nil
}

// FormatPlate writes a normalised plate as it appears on the car: CJ12ABC is "CJ 12 ABC".
func FormatPlate(p string) string {
	var b strings.Builder
	for i, r := range p {
		if i > 0 && unicode.IsDigit(r) != unicode.IsDigit(rune(p[i-1])) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
