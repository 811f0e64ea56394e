package sources_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

func TestParseAddress(t *testing.T) {
	for _, c := range []struct {
		in     string
		street string
		number int
		ok     bool
	}{
		{"Str. Horea 12, ap. 4, Cluj-Napoca", "horea", 12, true},
		{"strada Horea nr. 12", "horea", 12, true},
		{"Horea, nr.12A", "horea", 12, true},
		{"STR.HOREA NR 12 BL. A", "horea", 12, true},
		{"Calea Dorobanților 45-47, ap. 12", "dorobantilor", 45, true},
		{"Bd. 21 Decembrie 1989 nr. 100, Cluj-Napoca", "21 decembrie 1989", 100, true},
		{"Bulevardul 21 Decembrie 1989, 47", "21 decembrie 1989", 47, true},
		{"Piața Mihai Viteazul 1", "piata mihai viteazul", 1, true},
		{"P-ța Unirii nr. 3", "piata unirii", 3, true},
		{"Str. Unirii 3", "unirii", 3, true},
		{"Str. Moților", "motilor", 0, false},
		{"", "", 0, false},
	} {
		street, number, ok := sources.ParseAddress(c.in)
		if street != c.street || number != c.number || ok != c.ok {
			t.Errorf("ParseAddress(%q) = %q %d %v, want %q %d %v", c.in, street, number, ok, c.street, c.number, c.ok)
		}
	}
	if got := sources.NormalizePlate(" cj-12 abc "); got != "CJ12ABC" {
		t.Errorf("NormalizePlate: %q", got)
	}
}

const zonesHeader = "street,numbers,zone,annual_fee_lei,places\n"

const zonesCSV = zonesHeader +
	"Str. Horea,2-60 pare,Centru,600,2\n" +
	"Str. Horea,1-61 impare,Centru,600,3\n" +
	"Str. Memorandumului,toate,Centru,600,5\n" +
	"Str. Primăverii,toate,Mănăștur-Nord,300,4\n" +
	"Piața Unirii,1-36,Centru,\"650,50\",1\n" +
	"Str. Unirii,toate,Gheorgheni,400,6\n" +
	"Str. Fabricii,1-50,Mărăști,400,2\n" +
	"Str. Fabricii,40-60,Gheorgheni,400,2\n"

func TestImportParkingZonesAndVehicles(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if n, err := sources.Import(ctx, db, "parking-zones", strings.NewReader(zonesCSV)); err != nil || n != 8 {
			t.Fatalf("import zones: %d %v", n, err)
		}
		for _, c := range []struct {
			address string
			zone    string
			fee     int64
			places  int
			err     error
		}{
			{"Str. Horea 12, ap. 4", "Centru", 60000, 11, nil},
			{"Horea nr. 61", "Centru", 60000, 11, nil},
			{"Str. Horea 62", "", 0, 0, store.ErrNotFound}, // even numbers stop at 60
			{"Str. Horea 63", "", 0, 0, store.ErrNotFound},
			{"Strada Primăverii nr. 7, bl. A2", "Mănăștur-Nord", 30000, 4, nil},
			{"P-ța Unirii 3", "Centru", 65050, 11, nil},
			{"Str. Unirii 3", "Gheorgheni", 40000, 8, nil}, // not the square
			{"Str. Fabricii 10", "Mărăști", 40000, 2, nil},
			{"Str. Fabricii 45", "", 0, 0, sources.ErrAmbiguousAddress},
			{"Str. Horea", "", 0, 0, store.ErrNotFound}, // no number
			{"Str. Observatorului 3", "", 0, 0, store.ErrNotFound},
		} {
			z, err := sources.ParkingZoneFor(ctx, db.Read(), c.address)
			if !errors.Is(err, c.err) || (err == nil && (z.Zone != c.zone || z.FeeBani != c.fee || z.Places != c.places)) {
				t.Errorf("%s: %+v %v; want %s %d lei/100 %d places, err %v", c.address, z, err, c.zone, c.fee, c.places, c.err)
			}
		}

		vehiclesCSV := "plate,owner_identifier,owner_name,make\n" +
			"CJ 12 ABC,1920822296090,Ion Popescu,Dacia Logan\n" +
			"b-123-xyz,2850317125781,Maria Ionescu,Volkswagen Golf\n" +
			"CJ 101 TRA,RO18547290,SC Transilvania Distribuție SRL,Ford Transit\n"
		if n, err := sources.Import(ctx, db, "vehicles", strings.NewReader(vehiclesCSV)); err != nil || n != 3 {
			t.Fatalf("import vehicles: %d %v", n, err)
		}
		if v, err := sources.VehicleFor(ctx, db.Read(), "cj12abc"); err != nil || v.OwnerIdentifier != "1920822296090" || v.Plate != "CJ12ABC" {
			t.Errorf("vehicle by plate: %+v %v", v, err)
		}
		if v, err := sources.VehicleFor(ctx, db.Read(), "CJ 101 TRA"); err != nil || v.OwnerIdentifier != "18547290" {
			t.Errorf("company vehicle: %+v %v", v, err)
		}
		if _, err := sources.VehicleFor(ctx, db.Read(), "CJ 13 ABC"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown plate: %v", err)
		}

		// A bad file changes nothing, and says which line is wrong.
		bad := []struct{ source, name, file, want string }{
			{"parking-zones", "header", "street,numbers,zone,fee,places\n", "line 1"},
			{"parking-zones", "numbers", zonesHeader + "Str. Horea,toate,Centru,600,2\nStr. Moților,60-2,Centru,600,2\n", "line 3: numbers"},
			{"parking-zones", "parity", zonesHeader + "Str. Horea,2-60 soț,Centru,600,2\n", "line 2: numbers"},
			{"parking-zones", "places", zonesHeader + "Str. Horea,toate,Centru,600,-1\n", "line 2: places"},
			{"parking-zones", "fee", zonesHeader + "Str. Horea,toate,Centru,6OO,1\n", "line 2: annual_fee_lei"},
			{"parking-zones", "zone", zonesHeader + "Str. Horea,toate,,600,1\n", "line 2: the zone is empty"},
			{"parking-zones", "duplicate", zonesHeader + "Str. Horea,1-10,Centru,600,1\nstrada Horea,1-10,Gheorgheni,400,1\n", "already on line 2"},
			{"vehicles", "plate", "plate,owner_identifier,owner_name,make\nCJ 12 ABC,1920822296090,Ion,Dacia\nCJ-12,1920822296090,Ion,Dacia\n", "line 3: plate"},
			{"vehicles", "owner", "plate,owner_identifier,owner_name,make\nCJ 12 ABC,1920822296091,Ion,Dacia\n", "line 2: identifier"},
			{"vehicles", "same plate", "plate,owner_identifier,owner_name,make\nCJ 12 ABC,1920822296090,Ion,Dacia\ncj12abc,2850317125781,Maria,Opel\n", "already on line 2"},
		}
		for _, b := range bad {
			if _, err := sources.Import(ctx, db, b.source, strings.NewReader(b.file)); err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("%s: got %v, want an error mentioning %q", b.name, err, b.want)
			}
		}
		var zones, cars int
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM source_parking_zones`).Scan(&zones)
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM source_vehicles`).Scan(&cars)
		if zones != 8 || cars != 3 {
			t.Fatalf("a refused import changed the registers: %d zones, %d vehicles", zones, cars)
		}
	})
}

func TestImportDisabilityCertificates(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		file := "cnp,name,certificate_no,issued_on,valid_until,grade\n" +
			"1920822296090,Ion Popescu,4512/2025,2025-06-12,2027-06-11,accentuat\n" +
			"1920822296090,Ion Popescu,3011/2023,2023-06-12,2025-06-11,mediu\n" +
			"2850317125781,Maria Ionescu,1187/2023,2023-02-20,permanent,grav\n" +
			"6040229125806,Ana Pop,2290/2024,2024-03-05,2025-03-04,Ușor\n"
		if n, err := sources.Import(ctx, db, "disability-certificates", strings.NewReader(file)); err != nil || n != 4 {
			t.Fatalf("import: %d %v", n, err)
		}
		ion, err := sources.DisabilityCertificates(ctx, db.Read(), "1920822296090")
		if err != nil || len(ion) != 2 || ion[0].Number != "4512/2025" {
			t.Fatalf("Ion's certificates: %+v %v", ion, err)
		}
		for _, c := range []struct {
			cnp, day, want string
			ok             bool
		}{
			{"1920822296090", "2026-11-24", "4512/2025", true},
			{"1920822296090", "2027-06-11", "4512/2025", true}, // the last day
			{"1920822296090", "2027-06-12", "", false},         // expired
			{"1920822296090", "2024-01-10", "3011/2023", true}, // the older one was in force then
			{"2850317125781", "2040-01-01", "1187/2023", true}, // permanent
			{"2850317125781", "2023-02-19", "", false},         // not yet issued
			{"6040229125806", "2026-11-24", "", false},         // expired
			{"1630615123457", "2026-11-24", "", false},         // none
		} {
			certs, _ := sources.DisabilityCertificates(ctx, db.Read(), c.cnp)
			got, ok := sources.ValidCertificate(certs, c.day)
			if ok != c.ok || got.Number != c.want && c.ok {
				t.Errorf("%s on %s: %+v %v, want %s %v", c.cnp, c.day, got, ok, c.want, c.ok)
			}
		}
		if maria, _ := sources.DisabilityCertificates(ctx, db.Read(), "2850317125781"); !maria[0].Permanent() || maria[0].Grade != "grav" {
			t.Errorf("permanent certificate: %+v", maria)
		}
		if ana, _ := sources.DisabilityCertificates(ctx, db.Read(), "6040229125806"); ana[0].Grade != "usor" {
			t.Errorf("grade with diacritics: %+v", ana)
		}

		header := "cnp,name,certificate_no,issued_on,valid_until,grade\n"
		bad := []struct{ name, file, want string }{
			{"header", "cnp,nume,nr,emis,valabil,grad\n", "line 1"},
			{"cnp", header + "1920822296090,Ion,1/2025,2025-01-01,2026-01-01,grav\n1920822296091,Ion,2/2025,2025-01-01,2026-01-01,grav\n", "line 3: cnp"},
			{"date", header + "1920822296090,Ion,1/2025,01.01.2025,2026-01-01,grav\n", "line 2: issued_on"},
			{"until", header + "1920822296090,Ion,1/2025,2025-01-01,nelimitat,grav\n", "line 2: valid_until"},
			{"order", header + "1920822296090,Ion,1/2025,2025-01-01,2024-12-31,grav\n", "before issued_on"},
			{"grade", header + "1920822296090,Ion,1/2025,2025-01-01,2026-01-01,sever\n", "line 2: grade"},
			{"number", header + "1920822296090,Ion,,2025-01-01,2026-01-01,grav\n", "certificate number"},
			{"duplicate", header + "1920822296090,Ion,1/2025,2025-01-01,2026-01-01,grav\n2850317125781,Maria,1/2025,2025-01-01,2026-01-01,grav\n", "already on line 2"},
		}
		for _, b := range bad {
			if _, err := sources.Import(ctx, db, "disability-certificates", strings.NewReader(b.file)); err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("%s: got %v, want an error mentioning %q", b.name, err, b.want)
			}
		}
		var n int
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM source_disability_certificates`).Scan(&n)
		if n != 4 {
			t.Fatalf("a refused import changed the register: %d rows", n)
		}
	})
}

const slotsHeader = "slot_id,department,officer,starts_at,minutes,channel,link\n"

func TestImportMeetingSlots(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		file := slotsHeader +
			"URB-1,urbanism,Ioana Mureșan,2026-12-01 10:00,15,video,https://intalniri.primariaclujnapoca.ro/abc\n" +
			"URB-2,urbanism,Radu Bogdan,2026-07-01 10:00,15,Telefon,\n"
		if n, err := sources.Import(ctx, db, "meeting-slots", strings.NewReader(file)); err != nil || n != 2 {
			t.Fatalf("import: %d %v", n, err)
		}
		// Bucharest is UTC+2 in winter and UTC+3 in summer.
		var winter, summer int64
		var day string
		var minute int
		db.Read().QueryRowContext(ctx, `SELECT starts_at, day, minute FROM source_meeting_slots WHERE slot_id = 'URB-1'`).Scan(&winter, &day, &minute)
		db.Read().QueryRowContext(ctx, `SELECT starts_at FROM source_meeting_slots WHERE slot_id = 'URB-2'`).Scan(&summer)
		if got := time.UnixMicro(winter).UTC(); !got.Equal(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)) || day != "2026-12-01" || minute != 600 {
			t.Errorf("winter slot at %v, day %s, minute %d", got, day, minute)
		}
		if got := time.UnixMicro(summer).UTC(); !got.Equal(time.Date(2026, 7, 1, 7, 0, 0, 0, time.UTC)) {
			t.Errorf("summer slot at %v", got)
		}

		bad := []struct{ name, file, want string }{
			{"header", "id,department,officer,starts_at,minutes,channel,link\n", "line 1"},
			{"time", slotsHeader + "A,urbanism,Ion,2026-12-01T10:00,15,video,https://x.ro/a\n", "line 2: starts_at"},
			{"minutes", slotsHeader + "A,urbanism,Ion,2026-12-01 10:00,0,video,https://x.ro/a\n", "line 2: minutes"},
			{"channel", slotsHeader + "A,urbanism,Ion,2026-12-01 10:00,15,webex,https://x.ro/a\n", "line 2: channel"},
			{"no link", slotsHeader + "A,urbanism,Ion,2026-12-01 10:00,15,video,\n", "line 2: link"},
			{"http", slotsHeader + "A,urbanism,Ion,2026-12-01 10:00,15,video,http://x.ro/a\n", "line 2: link"},
			{"department", slotsHeader + "A,Urbanism ,Ion,2026-12-01 10:00,15,video,https://x.ro/a\n", "line 2: department"},
			{"officer", slotsHeader + "A,urbanism,,2026-12-01 10:00,15,video,https://x.ro/a\n", "line 2: the officer"},
			{"duplicate", slotsHeader + "A,urbanism,Ion,2026-12-01 10:00,15,video,https://x.ro/a\nA,urbanism,Ion,2026-12-02 10:00,15,video,https://x.ro/b\n", "already on line 2"},
		}
		for _, b := range bad {
			if _, err := sources.Import(ctx, db, "meeting-slots", strings.NewReader(b.file)); err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("%s: got %v, want an error mentioning %q", b.name, err, b.want)
			}
		}
		var n int
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM source_meeting_slots`).Scan(&n)
		if n != 2 {
			t.Fatalf("a refused import changed the register: %d rows", n)
		}
	})
}

// fileCases files n petitions, for cases that allocations and bookings can belong to.
func fileCases(t *testing.T, a *app.App, n int) []int64 {
	u := testenv.User(t, a, identity.Citizen, "")
	ids := make([]int64, n)
	for i := range ids {
		c, err := a.Cases.File(context.Background(), cases.Filing{Service: "petitie", Applicant: u,
			Fields: map[string]any{"name": "Ion Popescu", "email": "ion@example.ro", "message": "x"}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	return ids
}

// Two replicas allocating places of one zone at the same moment give away exactly
// its places, each case at most once; a case allocated again gets its own back.
func TestAllocateParkingNeverOverfillsAZone(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		if _, err := sources.Import(ctx, a.DB, "parking-zones", strings.NewReader(zonesCSV)); err != nil {
			t.Fatal(err)
		}
		replica, err := app.Open(ctx, a.Config)
		if err != nil {
			t.Fatal(err)
		}
		defer replica.Close()
		const n = 12 // Mănăștur-Nord has 4 places
		ids := fileCases(t, a, n)
		sub := func(i int) sources.Subscription {
			return sources.Subscription{CaseID: ids[i], Zone: "Mănăștur-Nord", Plate: fmt.Sprintf("CJ%02dABC", i), Identifier: fmt.Sprintf("person-%d", i),
				ValidFrom: "2026-11-24", ValidUntil: "2027-11-23", FeeBani: 30000}
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			db := a.DB
			if i%2 == 1 {
				db = replica.DB
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = sources.AllocateParking(ctx, db, sub(i))
			}()
		}
		wg.Wait()
		granted := 0
		for i, err := range errs {
			switch {
			case err == nil:
				granted++
			case !errors.Is(err, sources.ErrZoneFull):
				t.Errorf("allocation %d: %v", i, err)
			}
		}
		taken, _ := sources.ActiveSubscriptions(ctx, a.DB.Read(), "Mănăștur-Nord", "2026-11-24")
		if granted != 4 || taken != 4 {
			t.Fatalf("%d granted, %d taken; want the zone's 4 places", granted, taken)
		}
		// Idempotent per case: a granted case gets its subscription back, even with the zone full.
		for i, err := range errs {
			if err != nil {
				continue
			}
			s, err := sources.AllocateParking(ctx, a.DB, sub(i))
			if err != nil || s.CaseID != ids[i] || s.Plate != sub(i).Plate {
				t.Fatalf("allocating case %d again: %+v %v", ids[i], s, err)
			}
			break
		}
		// One place per person: the same CNP gets no second place, in any zone.
		other := fileCases(t, a, 1)[0]
		for i, err := range errs {
			if err != nil {
				continue
			}
			again := sub(i)
			again.CaseID, again.Zone, again.Plate = other, "Centru", "CJ99ZZZ"
			if _, err := sources.AllocateParking(ctx, a.DB, again); !errors.Is(err, sources.ErrAlreadySubscribed) {
				t.Fatalf("second subscription for one person: %v", err)
			}
			break
		}
		// An expired subscription frees its place.
		if _, err := a.DB.Write().ExecContext(ctx, `UPDATE parking_subscriptions SET valid_until = '2026-11-23' WHERE case_id = (SELECT MIN(case_id) FROM parking_subscriptions)`); err != nil {
			t.Fatal(err)
		}
		var freed bool
		for i, err := range errs {
			if errors.Is(err, sources.ErrZoneFull) {
				if _, err := sources.AllocateParking(ctx, a.DB, sub(i)); err != nil {
					t.Fatalf("after a subscription expired: %v", err)
				}
				freed = true
				break
			}
		}
		if !freed {
			t.Fatal("no refused allocation to retry")
		}
	})
}

// Many requests booking the same department's slots at once, through two
// replicas, never share a slot; each case gets at most one, the earliest free.
func TestBookMeetingNeverDoublesASlot(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		tomorrow := time.Now().In(mustBucharest(t)).AddDate(0, 0, 1)
		day := tomorrow.Format("2006-01-02")
		var file strings.Builder
		file.WriteString(slotsHeader)
		for i, hm := range []string{"09:00", "09:30", "10:00", "10:30", "13:00", "14:00"} {
			fmt.Fprintf(&file, "URB-%d,urbanism,Ioana Mureșan,%s %s,15,video,https://intalniri.primariaclujnapoca.ro/u%d\n", i, day, hm, i)
		}
		fmt.Fprintf(&file, "URB-TEL,urbanism,Radu Bogdan,%s 08:30,15,telefon,\n", day)
		fmt.Fprintf(&file, "URB-OLD,urbanism,Radu Bogdan,%s 10:00,15,video,https://intalniri.primariaclujnapoca.ro/old\n", time.Now().AddDate(0, 0, -2).Format("2006-01-02"))
		fmt.Fprintf(&file, "DTIL-1,taxe-locale,Cristian Pop,%s 09:00,15,video,https://intalniri.primariaclujnapoca.ro/t1\n", day)
		if _, err := sources.Import(ctx, a.DB, "meeting-slots", strings.NewReader(file.String())); err != nil {
			t.Fatal(err)
		}
		replica, err := app.Open(ctx, a.Config)
		if err != nil {
			t.Fatal(err)
		}
		defer replica.Close()

		// The afternoon is preferred: the 13:00 slot is the earliest in it.
		ids := fileCases(t, a, 12)
		req := func(id int64) sources.MeetingRequest {
			return sources.MeetingRequest{CaseID: id, Department: "urbanism", FromDay: time.Now().AddDate(0, 0, -5).Format("2006-01-02"), NotBefore: time.Now()}
		}
		first := req(ids[0])
		first.PeriodFrom, first.PeriodTo = 12*60, 16*60
		b, err := sources.BookMeeting(ctx, a.DB, first)
		if err != nil || b.SlotID != "URB-4" || b.Officer != "Ioana Mureșan" || b.Local().Format("15:04") != "13:00" || !strings.HasSuffix(b.Link, "/u4") {
			t.Fatalf("afternoon booking: %+v %v", b, err)
		}
		if again, err := sources.BookMeeting(ctx, a.DB, req(ids[0])); err != nil || again.SlotID != b.SlotID {
			t.Fatalf("booking the same case again: %+v %v", again, err)
		}

		var wg sync.WaitGroup
		got := make([]sources.Booking, len(ids))
		errs := make([]error, len(ids))
		for i := 1; i < len(ids); i++ {
			db := a.DB
			if i%2 == 0 {
				db = replica.DB
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = sources.BookMeeting(ctx, db, req(ids[i]))
			}()
		}
		wg.Wait()
		seen := map[string]int64{b.SlotID: ids[0]}
		booked := 1
		for i := 1; i < len(ids); i++ {
			if errors.Is(errs[i], sources.ErrNoFreeSlot) {
				continue
			}
			if errs[i] != nil {
				t.Fatalf("booking %d: %v", i, errs[i])
			}
			if prev, dup := seen[got[i].SlotID]; dup {
				t.Fatalf("slot %s booked for cases %d and %d", got[i].SlotID, prev, ids[i])
			}
			if got[i].SlotID == "URB-OLD" || got[i].SlotID == "URB-TEL" || got[i].Department != "urbanism" {
				t.Fatalf("booked %+v: a past slot, a phone slot without a phone, or another department", got[i])
			}
			seen[got[i].SlotID] = ids[i]
			booked++
		}
		var rows int
		a.DB.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_bookings`).Scan(&rows)
		if booked != 6 || rows != 6 {
			t.Fatalf("%d bookings made, %d stored; want the 6 video slots of tomorrow", booked, rows)
		}

		// With a phone number, the telephone slot may be taken.
		phone := req(fileCases(t, a, 1)[0])
		phone.Phone = true
		if b, err := sources.BookMeeting(ctx, a.DB, phone); err != nil || b.SlotID != "URB-TEL" || b.Channel != "telefon" {
			t.Fatalf("phone booking: %+v %v", b, err)
		}

		// Cancelling frees the slot for the next request.
		err = a.DB.Tx(ctx, func(tx *store.Tx) error {
			_, err := sources.CancelBooking(ctx, tx, ids[0])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sources.BookingForCase(ctx, a.DB.Read(), ids[0]); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("booking after cancelling: %v", err)
		}
		late := fileCases(t, a, 1)[0]
		if b, err := sources.BookMeeting(ctx, a.DB, req(late)); err != nil || b.SlotID != "URB-4" {
			t.Fatalf("booking the freed slot: %+v %v", b, err)
		}
	})
}

func mustBucharest(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Bucharest")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
