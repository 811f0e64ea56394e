package demo_test

import (
	"context"
	"testing"

	"github.com/cetate/cetate/demo"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// Every demo register imports cleanly and every demo account can sign in; loading
// twice replaces the registers and creates no account twice.
func TestLoad(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res, err := demo.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(demo.Registers()) == 0 {
			t.Fatal("no demo registers")
		}
		for _, name := range demo.Registers() {
			if res.Imported[name] < 10 {
				t.Errorf("register %s: %d rows, want a realistic sample", name, res.Imported[name])
			}
		}
		if len(res.Created) != len(demo.Accounts) {
			t.Fatalf("created %v", res.Created)
		}
		for _, a := range demo.Accounts {
			if _, err := identity.SignIn(ctx, db, a.Email, demo.Password, "127.0.0.1"); err != nil {
				t.Errorf("sign in %s: %v", a.Email, err)
			}
		}
		if rec, err := sources.TaxRecordFor(ctx, db.Read(), demo.Accounts[0].CNP); err != nil || rec.Name != demo.Accounts[0].Name {
			t.Fatalf("the demo citizen is not in the demo tax roll: %+v %v", rec, err)
		}
		again, err := demo.Load(ctx, db)
		if err != nil || len(again.Created) != 0 || again.Imported["tax-roll"] != res.Imported["tax-roll"] {
			t.Fatalf("second load: %+v %v", again, err)
		}
	})
}
