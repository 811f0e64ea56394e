package sources_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

const roll = "identifier,name,address,debt_lei\n" +
	"1920822296090,Ion Popescu,\"Str. Horea 12, Cluj-Napoca\",0\n" +
	"1630615123457,Maria Pop,Str. Memorandumului 28,125.50\n" +
	"RO18547290,SC Exemplu SRL,Bd. Eroilor 1,\"1234,5\"\n"

func TestImportTaxRoll(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := sources.Import(ctx, db, "tax-roll", strings.NewReader("\ufeff"+roll))
		if err != nil || n != 3 {
			t.Fatalf("import: %d %v", n, err)
		}
		rec, err := sources.TaxRecordFor(ctx, db.Read(), "1630615123457")
		if err != nil || rec.DebtBani != 12550 || rec.Name != "Maria Pop" {
			t.Fatalf("record: %+v %v", rec, err)
		}
		if rec, err := sources.TaxRecordFor(ctx, db.Read(), "18547290"); err != nil || rec.DebtBani != 123450 {
			t.Fatalf("company by CUI: %+v %v", rec, err)
		}
		if _, err := sources.TaxRecordFor(ctx, db.Read(), "1920822296091"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown identifier: %v", err)
		}

		// A bad file changes nothing, and says which line is wrong.
		bad := []struct{ name, file, want string }{
			{"header", "id,name,address,debt\n", "line 1"},
			{"bad cnp", "identifier,name,address,debt_lei\n1920822296090,A,B,0\n1920822296091,C,D,0\n", "line 3"},
			{"negative", "identifier,name,address,debt_lei\n1920822296090,A,B,-5\n", "line 2"},
			{"three decimals", "identifier,name,address,debt_lei\n1920822296090,A,B,1.505\n", "line 2"},
			{"duplicate", "identifier,name,address,debt_lei\n1920822296090,A,B,0\n1920822296090,A,B,0\n", "already on line 2"},
			{"columns", "identifier,name,address,debt_lei\n1920822296090,A,0\n", "line 2"},
			{"quote", "identifier,name,address,debt_lei\n1920822296090,\"A,B,0\n", "line"},
			{"empty name", "identifier,name,address,debt_lei\n1920822296090,,B,0\n", "name"},
		}
		for _, b := range bad {
			_, err := sources.Import(ctx, db, "tax-roll", strings.NewReader(b.file))
			if err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("%s: got %v, want an error mentioning %q", b.name, err, b.want)
			}
		}
		var count int
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM source_tax_roll`).Scan(&count)
		if count != 3 {
			t.Fatalf("a refused import changed the roll: %d rows", count)
		}
		if _, err := sources.Import(ctx, db, "cadastru", strings.NewReader(roll)); !errors.Is(err, sources.ErrUnknownSource) {
			t.Fatalf("unknown source: %v", err)
		}
		// A new import replaces the roll whole.
		if n, err := sources.Import(ctx, db, "tax-roll", strings.NewReader("identifier,name,address,debt_lei\n1920822296090,Ion Popescu,X,10\n")); err != nil || n != 1 {
			t.Fatalf("second import: %d %v", n, err)
		}
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM source_tax_roll`).Scan(&count)
		if count != 1 {
			t.Fatalf("rows after replacing: %d", count)
		}
	})
}

func FuzzImport(f *testing.F) {
	f.Add(roll)
	f.Add("identifier,name,address,debt_lei\n\"")
	db := testenv.Open(f, testenv.SQLite)
	f.Fuzz(func(t *testing.T, file string) {
		sources.Import(context.Background(), db, "tax-roll", strings.NewReader(file)) // must not panic
	})
}
