package catalog_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

func TestWithOverridesLeavesTheCatalogueAlone(t *testing.T) {
	base, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	off := false
	got := base.WithOverrides([]catalog.Override{
		{Code: "petitie", Enabled: &off, Name: catalog.Text{EN: "Petition to the mayor"}},
		{Code: "nu-mai-exista", Name: catalog.Text{RO: "x"}},
		{Code: "certificat-fiscal"}, // changes nothing
	})
	p, _ := got.Service("petitie")
	if p.Enabled || p.Name.EN != "Petition to the mayor" || p.Name.RO != "Petiție" || p.Name.HU != "Petíció" {
		t.Fatalf("overridden service: enabled %v, name %+v", p.Enabled, p.Name)
	}
	if b, _ := base.Service("petitie"); !b.Enabled || b.Name.EN != "Petition" {
		t.Fatal("WithOverrides changed the catalogue it was called on")
	}
	if b, _ := base.Service("certificat-fiscal"); func() *catalog.Service { s, _ := got.Service("certificat-fiscal"); return s }() != b {
		t.Fatal("a service without a change is not shared")
	}
	if _, ok := got.Service("nu-mai-exista"); ok || len(got.Services()) != len(base.Services()) {
		t.Fatal("an override of an unknown code added a service")
	}
	if len(got.Departments()) != len(base.Departments()) {
		t.Fatal("departments lost")
	}
}

func TestLiveSwapsWhileRead(t *testing.T) {
	base, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	live := catalog.NewLive(base)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if s, ok := live.Service("petitie"); !ok || (s.Name.EN != "Petition" && s.Name.EN != "Changed") {
					t.Error("a reader saw half a change")
					return
				}
			}
		}()
	}
	for i := range 200 {
		name := "Petition"
		if i%2 == 0 {
			name = "Changed"
		}
		live.Apply([]catalog.Override{{Code: "petitie", Name: catalog.Text{EN: name}}})
	}
	close(stop)
	wg.Wait()
	live.Apply(nil)
	if s, _ := live.Service("petitie"); s != func() *catalog.Service { b, _ := base.Service("petitie"); return b }() {
		t.Fatal("no overrides should give the files' service back")
	}
	if _, ok := live.Override("petitie"); ok {
		t.Fatal("an override remains after Apply(nil)")
	}
}

func TestOverrideCheck(t *testing.T) {
	o := catalog.Override{Name: catalog.Text{RO: "  Petiție  ", EN: strings.Repeat("a", catalog.MaxNameLength+1), HU: "a\x00b"},
		Summary: catalog.Text{RO: "rând 1\r\nrând 2"}}
	errs := o.Check()
	fields := map[string]string{}
	for _, e := range errs {
		fields[e.Field] = e.Code
	}
	if len(errs) != 2 || fields["name_en"] != catalog.CodeTooLong || fields["name_hu"] != catalog.CodeInvalidCharacters {
		t.Fatalf("errors %+v", errs)
	}
	if o.Name.RO != "Petiție" || o.Summary.RO != "rând 1\nrând 2" {
		t.Fatalf("cleaned texts %q %q", o.Name.RO, o.Summary.RO)
	}
}

func TestOverridesAreStored(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if list, err := catalog.LoadOverrides(ctx, db.Read()); err != nil || len(list) != 0 {
			t.Fatalf("fresh database: %v %v", list, err)
		}
		if err := catalog.SetEnabled(ctx, db, "petitie", false, 0, "system"); err != nil {
			t.Fatal(err)
		}
		if err := catalog.SetTexts(ctx, db, "petitie", catalog.Text{EN: "Petition to the mayor"}, catalog.Text{}, 0, "system"); err != nil {
			t.Fatal(err)
		}
		if err := catalog.SetTexts(ctx, db, "audienta", catalog.Text{RO: "Audiență la primar"}, catalog.Text{HU: "Fogadóóra"}, 0, "system"); err != nil {
			t.Fatal(err)
		}
		list, err := catalog.LoadOverrides(ctx, db.Read())
		if err != nil || len(list) != 2 {
			t.Fatalf("stored overrides: %+v %v", list, err)
		}
		a, p := list[0], list[1] // by code
		if a.Code != "audienta" || a.Enabled != nil || a.Name.RO != "Audiență la primar" || a.Summary.HU != "Fogadóóra" {
			t.Fatalf("audienta: %+v", a)
		}
		if p.Code != "petitie" || p.Enabled == nil || *p.Enabled || p.Name.EN != "Petition to the mayor" {
			t.Fatalf("petitie: %+v", p)
		}
		// Enabling again keeps the texts.
		if err := catalog.SetEnabled(ctx, db, "petitie", true, 0, "system"); err != nil {
			t.Fatal(err)
		}
		list, _ = catalog.LoadOverrides(ctx, db.Read())
		if p := list[1]; p.Enabled == nil || !*p.Enabled || p.Name.EN != "Petition to the mayor" {
			t.Fatalf("petitie after enabling: %+v", p)
		}
		var n int
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'service'`).Scan(&n)
		if n != 4 {
			t.Fatalf("changes audited: %d", n)
		}
		if _, broken, err := audit.Verify(ctx, db); err != nil || broken != nil {
			t.Fatalf("audit chain: %v %v", broken, err)
		}
	})
}
