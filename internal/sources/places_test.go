package sources_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// refuses checks that each bad file is refused with an error naming its line, and
// that the register still has want rows afterwards.
func refuses(t *testing.T, db *store.DB, name, table string, want int, bad []struct{ name, file, want string }) {
	t.Helper()
	ctx := context.Background()
	for _, b := range bad {
		_, err := sources.Import(ctx, db, name, strings.NewReader(b.file))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: got %v, want an error mentioning %q", b.name, err, b.want)
		}
	}
	var count int
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&count); err != nil || count != want {
		t.Fatalf("a refused import changed %s: %d rows, %v", table, count, err)
	}
}

const streetsHeader = "street_code,name,type,old_names,renamed_on,decision,numbers\n"

const streetsCSV = streetsHeader +
	"S1,Eroilor,bulevard,Bulevardul Lenin; Strada Regală,1990-01-19,Decizia nr. 4/1990,1-49 impare; 2-40 pare; 12A; 3 bis\n" +
	"S2,Avram Iancu,piață,Piața Victoriei,1990-01-19,Decizia nr. 4/1990,1-21\n" +
	"S3,Avram Iancu,Stradă,,,,1-33 impare\n" +
	"S4,Dorobanților,calea,Strada Dorobanților,1997-06-24,HCL nr. 212/1997,1-109\n"

func TestImportStreets(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if n, err := sources.Import(ctx, db, "streets", strings.NewReader(streetsCSV)); err != nil || n != 4 {
			t.Fatalf("import: %d %v", n, err)
		}
		find := func(name string) []sources.StreetMatch {
			t.Helper()
			ms, err := sources.FindStreets(ctx, db.Read(), name)
			if err != nil {
				t.Fatal(err)
			}
			return ms
		}
		// The current name, without diacritics and with an abbreviated type.
		if ms := find("b-dul eroilor nr. 5"); len(ms) != 1 || ms[0].Street.Official() != "Bulevardul Eroilor" || ms[0].FormerName != "" {
			t.Fatalf("b-dul eroilor: %+v", ms)
		}
		// A former name finds the street, and says which name it was.
		ms := find("Str. Regala")
		if len(ms) != 1 || ms[0].Street.Code != "S1" || ms[0].FormerName != "Strada Regală" || ms[0].Street.Decision != "Decizia nr. 4/1990" ||
			ms[0].Street.RenamedOn != "1990-01-19" || len(ms[0].Street.FormerNames) != 2 {
			t.Fatalf("a former name: %+v", ms)
		}
		// Two streets share the name; the type tells them apart when it is given.
		if ms := find("avram iancu"); len(ms) != 2 {
			t.Fatalf("an ambiguous name: %+v", ms)
		}
		if ms := find("P-ța Avram Iancu"); len(ms) != 1 || ms[0].Street.Code != "S2" {
			t.Fatalf("with the type: %+v", ms)
		}
		// "Strada Dorobanților" is the former name of the Calea: the type of the
		// former name counts.
		if ms := find("strada dorobantilor"); len(ms) != 1 || ms[0].FormerName != "Strada Dorobanților" {
			t.Fatalf("a former name with its type: %+v", ms)
		}
		if ms := find("Calea Dorobanților"); len(ms) != 1 || ms[0].FormerName != "" {
			t.Fatalf("the current name with its type: %+v", ms)
		}
		if ms := find("Strada Inexistentă"); len(ms) != 0 {
			t.Fatalf("an unknown street: %+v", ms)
		}
		if ms := find("Strada"); len(ms) != 0 {
			t.Fatalf("a bare type: %+v", ms)
		}
		// Numbers: ranges by parity, numbers with a letter only when listed.
		eroilor := find("eroilor")[0].Street
		for n, want := range map[string]bool{"1": true, "49": true, "51": false, "2": true, "40": true, "3": true, "4": true, "42": false, "41": true,
			"12A": true, "12B": false, "3bis": true, "0": false} {
			if got := eroilor.HasNumber(n); got != want {
				t.Errorf("Eroilor nr. %s: %v, want %v", n, got, want)
			}
		}
		for in, want := range map[string]string{"12 a": "12A", "nr. 12/A": "12A", "3 BIS": "3bis", "007": "7", " Nr 5 ": "5"} {
			if got, err := sources.NormalizeHouseNumber(in); err != nil || got != want {
				t.Errorf("NormalizeHouseNumber(%q) = %q, %v; want %q", in, got, err, want)
			}
		}
		for _, in := range []string{"", "0", "12-14", "douăsprezece", "12ABC"} {
			if got, err := sources.NormalizeHouseNumber(in); err == nil {
				t.Errorf("NormalizeHouseNumber(%q) = %q; want an error", in, got)
			}
		}

		refuses(t, db, "streets", "source_streets", 4, []struct{ name, file, want string }{
			{"header", "code,name,type\n", "line 1"},
			{"type", streetsHeader + "S1,Horea,stradă,,,,1-9\nS2,Napoca,ulița,,,,1-9\n", "line 3: type"},
			{"type in the name", streetsHeader + "S1,Strada Horea,stradă,,,,1-9\n", "line 2: name"},
			{"renaming without a decision", streetsHeader + "S1,Horea,stradă,Strada Veche,1990-01-19,,1-9\n", "line 2: a renaming"},
			{"date", streetsHeader + "S1,Horea,stradă,Strada Veche,19.01.1990,HCL 1/1990,1-9\n", "line 2: renamed_on"},
			{"future date", streetsHeader + "S1,Horea,stradă,Strada Veche,2999-01-01,HCL 1/1990,1-9\n", "renamed_on"},
			{"numbers", streetsHeader + "S1,Horea,stradă,,,,1-9 impare; doi\n", "line 2: numbers"},
			{"parity", streetsHeader + "S1,Horea,stradă,,,,2-9 pare\n", "line 2: numbers"},
			{"backwards", streetsHeader + "S1,Horea,stradă,,,,9-1\n", "line 2: numbers"},
			{"no numbers", streetsHeader + "S1,Horea,stradă,,,,\n", "line 2: numbers"},
			{"code", streetsHeader + "S 1,Horea,stradă,,,,1-9\n", "line 2: street_code"},
			{"duplicate", streetsHeader + "S1,Horea,stradă,,,,1-9\nS1,Napoca,stradă,,,,1-9\n", "already on line 2"},
		})
	})
}

const zoningHeader = "zone_id,name,kind,polygon_wkt\n"

// A square town (0.02° a side) with a park cut out of it, a second piece of town
// apart, and the fields around: one extravilan polygon whose hole is the town.
const zoningCSV = zoningHeader +
	`INT,Intravilan,intravilan,"MULTIPOLYGON(((23.58 46.76, 23.60 46.76, 23.60 46.78, 23.58 46.78, 23.58 46.76), (23.585 46.765, 23.585 46.767, 23.587 46.767, 23.587 46.765, 23.585 46.765)), ((23.62 46.76, 23.63 46.76, 23.63 46.77, 23.62 46.76)))"` + "\n" +
	`PARK,Parc,extravilan,"POLYGON((23.585 46.765, 23.587 46.765, 23.587 46.767, 23.585 46.767, 23.585 46.765))"` + "\n" +
	`FIELDS,Câmpuri,EXTRAVILAN,"POLYGON((23.50 46.70, 23.70 46.70, 23.70 46.85, 23.50 46.85, 23.50 46.70), (23.58 46.76, 23.60 46.76, 23.60 46.78, 23.58 46.78, 23.58 46.76), (23.62 46.76, 23.63 46.76, 23.63 46.77, 23.62 46.76))"` + "\n"

func TestImportZoning(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if n, err := sources.Import(ctx, db, "zoning", strings.NewReader(zoningCSV)); err != nil || n != 3 {
			t.Fatalf("import: %d %v", n, err)
		}
		at := func(lat, lon float64) (inside, border []string) {
			t.Helper()
			pl, err := sources.LandZonesAt(ctx, db.Read(), lat, lon, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, z := range pl.Inside {
				inside = append(inside, z.ID+":"+z.Kind)
			}
			for _, z := range pl.Border {
				border = append(border, z.ID)
			}
			return inside, border
		}
		cases := []struct {
			name           string
			lat, lon       float64
			inside, border string
		}{
			{"in town", 46.77, 23.59, "INT:intravilan", ""},
			{"in the park, the town's hole", 46.766, 23.586, "PARK:extravilan", ""},
			{"in the second piece of town", 46.762, 23.628, "INT:intravilan", ""},
			{"in the fields", 46.80, 23.65, "FIELDS:extravilan", ""},
			{"outside everything", 47.00, 23.59, "", ""},
			// On the town's limit, which is also the fields' hole: both are in doubt.
			{"on the limit", 46.77, 23.60, "", "FIELDS,INT"},
			// 0.5 m inside the limit (a degree of longitude is about 76 km here).
			{"half a metre from the limit", 46.77, 23.60 - 0.5/76_300, "", "FIELDS,INT"},
			{"five metres inside", 46.77, 23.60 - 5.0/76_300, "INT:intravilan", ""},
			{"on the park's limit", 46.765, 23.586, "", "INT,PARK"},
		}
		for _, c := range cases {
			inside, border := at(c.lat, c.lon)
			if strings.Join(inside, ",") != c.inside || strings.Join(border, ",") != c.border {
				t.Errorf("%s: inside %v, on the limit of %v; want %q and %q", c.name, inside, border, c.inside, c.border)
			}
		}
		// Coordinates known to 50 m are too close to the limit 20 m away.
		if pl, err := sources.LandZonesAt(ctx, db.Read(), 46.77, 23.60-20.0/76_300, 50); err != nil || len(pl.Inside) != 0 || len(pl.Border) != 2 {
			t.Errorf("an imprecise point near the limit: %+v %v", pl, err)
		}
		if _, err := sources.LandZonesAt(ctx, db.Read(), 91, 23, 0); err == nil {
			t.Error("a latitude of 91 was placed")
		}

		line := func(id, wkt string) string { return zoningHeader + id + ",Zona,intravilan,\"" + wkt + "\"\n" }
		refuses(t, db, "zoning", "source_zoning", 3, []struct{ name, file, want string }{
			{"header", "id,name,kind,wkt\n", "line 1"},
			{"kind", zoningHeader + "Z,Zona,urban,\"POLYGON((0 0, 1 0, 1 1, 0 0))\"\n", "line 2: kind"},
			{"not wkt", line("Z", "POLYGON((0 0, 1 0, 1 1, 0 0)"), "line 2: polygon_wkt: not valid WKT"},
			{"a point", line("Z", "POINT(23.5 46.7)"), "want a POLYGON or a MULTIPOLYGON"},
			{"open ring", line("Z", "POLYGON((23.5 46.7, 23.6 46.7, 23.6 46.8, 23.5 46.8))"), "line 2: polygon_wkt: outer ring is not closed"},
			{"three points", line("Z", "POLYGON((23.5 46.7, 23.6 46.7, 23.5 46.7))"), "needs at least 4"},
			{"not a number", line("Z", "POLYGON((23.5 46.7, 23.6 nan, 23.6 46.8, 23.5 46.7))"), "not a number"},
			{"latitude first", line("Z", "POLYGON((46.7 123.5, 46.8 123.5, 46.8 123.6, 46.7 123.5))"), "latitude 123.5 is out of range"},
			{"longitude", line("Z", "POLYGON((223.5 46.7, 223.6 46.7, 223.6 46.8, 223.5 46.7))"), "longitude 223.5 is out of range"},
			{"hole outside", line("Z", "POLYGON((0 0, 1 0, 1 1, 0 1, 0 0), (2 2, 3 2, 3 3, 2 2))"), "hole 1 is not inside"},
			{"second polygon open", zoningHeader + "A,Zona,intravilan,\"POLYGON((0 0, 1 0, 1 1, 0 0))\"\nB,Zona,intravilan,\"MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 3)))\"\n", "line 3: polygon_wkt: polygon 2, outer ring is not closed"},
			{"empty", line("Z", "POLYGON EMPTY"), "empty"},
			{"duplicate", zoningHeader + "A,Zona,intravilan,\"POLYGON((0 0, 1 0, 1 1, 0 0))\"\nA,Zona,intravilan,\"POLYGON((0 0, 1 0, 1 1, 0 0))\"\n", "already on line 2"},
		})
	})
}

const agriHeader = "cnp,name,position,address,land_ha,animals\n"

func TestImportAgriculturalRegister(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		file := agriHeader +
			"1920822296090,Ion Popescu,\"Vol. 12, poz. 345\",\"Str. Horea nr. 12, Cluj-Napoca\",\"1,25\",2 bovine;5  ovine\n" +
			"1920822296090,Ion Popescu,vol 2 pozitia 7,\"Extravilan, tarlaua 12\",0.0850,\n" +
			"2850317125781,Maria Ionescu,\"vol. 5, poz. 230\",Calea Dorobanților nr. 45,,\n"
		if n, err := sources.Import(ctx, db, "agricultural-register", strings.NewReader(file)); err != nil || n != 3 {
			t.Fatalf("import: %d %v", n, err)
		}
		es, err := sources.AgriculturalEntriesFor(ctx, db.Read(), "1920822296090")
		if err != nil || len(es) != 2 {
			t.Fatalf("entries: %+v %v", es, err)
		}
		// vol. 2 before vol. 12; hectares to square metres; animals tidied.
		if es[0].Position != "vol. 2, poz. 7" || es[0].LandM2 != 850 || es[1].Position != "vol. 12, poz. 345" || es[1].LandM2 != 12_500 ||
			es[1].Animals != "2 bovine; 5 ovine" || es[1].Name != "Ion Popescu" {
			t.Fatalf("entries: %+v", es)
		}
		if es, err := sources.AgriculturalEntriesFor(ctx, db.Read(), "6040229125806"); err != nil || len(es) != 0 {
			t.Fatalf("someone not in the register: %+v %v", es, err)
		}

		refuses(t, db, "agricultural-register", "source_agricultural_register", 3, []struct{ name, file, want string }{
			{"header", "cnp,name,position\n", "line 1"},
			{"cnp", agriHeader + "1920822296090,A,\"vol. 1, poz. 1\",B,1,\n1920822296091,A,\"vol. 1, poz. 2\",B,1,\n", "line 3: cnp"},
			{"position", agriHeader + "1920822296090,A,poz. 1,B,1,\n", "line 2: position"},
			{"hectares", agriHeader + "1920822296090,A,\"vol. 1, poz. 1\",B,\"1,23456\",\n", "line 2: land_ha"},
			{"negative", agriHeader + "1920822296090,A,\"vol. 1, poz. 1\",B,-1,\n", "line 2: land_ha"},
			{"animals", agriHeader + "1920822296090,A,\"vol. 1, poz. 1\",B,1,bovine 2\n", "line 2: animals"},
			{"no animals", agriHeader + "1920822296090,A,\"vol. 1, poz. 1\",B,1,0 bovine\n", "line 2: animals"},
			{"address", agriHeader + "1920822296090,A,\"vol. 1, poz. 1\",,1,\n", "line 2: the address"},
			{"duplicate", agriHeader + "1920822296090,A,\"vol. 1, poz. 1\",B,1,\n2850317125781,C,\"Vol 1, pozitia 1\",D,1,\n", "position vol. 1, poz. 1 already on line 2"},
		})
	})
}

// The demo registers import, and a few places land where a person from Cluj would
// expect.
func TestDemoPlacesImport(t *testing.T) {
	db := testenv.Open(t, testenv.SQLite)
	ctx := context.Background()
	for name, min := range map[string]int{"streets": 40, "zoning": 20, "agricultural-register": 20} {
		f, err := os.Open("../../demo/sources/" + name + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		n, err := sources.Import(ctx, db, name, f)
		f.Close()
		if err != nil || n < min {
			t.Fatalf("demo %s: %d rows, %v", name, n, err)
		}
	}
	for _, c := range []struct {
		what     string
		lat, lon float64
		zone     string
	}{
		{"Piața Unirii", 46.7697, 23.5897, "CJ-INT-01"},
		{"Pădurea Hoia", 46.7854, 23.5384, "CJ-EXT-HOIA"},
		{"Feleacu", 46.7208, 23.6050, "CJ-EXT-10"},
		{"the isolated piece by the airport", 46.7815, 23.7062, "CJ-INT-01"},
		{"the fields around it", 46.7815, 23.6960, "CJ-EXT-05"},
	} {
		pl, err := sources.LandZonesAt(ctx, db.Read(), c.lat, c.lon, 1)
		if err != nil || len(pl.Inside) != 1 || len(pl.Border) != 0 || pl.Inside[0].ID != c.zone {
			t.Errorf("%s: %+v %v; want only %s", c.what, pl, err, c.zone)
		}
	}
	if ms, err := sources.FindStreets(ctx, db.Read(), "Piata Libertatii"); err != nil || len(ms) != 1 || ms[0].Street.Official() != "Piața Unirii" {
		t.Errorf("Piața Libertății: %+v %v", ms, err)
	}
	if es, err := sources.AgriculturalEntriesFor(ctx, db.Read(), "1920822296090"); err != nil || len(es) == 0 {
		t.Errorf("the demo citizen is not in the agricultural register: %v", err)
	}
}
