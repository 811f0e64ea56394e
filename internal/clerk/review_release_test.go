package clerk_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// Reversing an automatic parking subscription gives its place back: the zone's
// only place goes to the next applicant.
func TestReversingAnAutomaticDecisionReleasesWhatItTook(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		importCSV(t, a, "tax-roll", "identifier,name,address,debt_lei\n"+
			"1920822296090,Ion Popescu,\"Str. Horea 12, Cluj-Napoca\",0\n"+
			"1731013120515,Vasile Pop,\"Str. Horea 14, Cluj-Napoca\",0\n")
		importCSV(t, a, "parking-zones", "street,numbers,zone,annual_fee_lei,places\nStr. Horea,2-60 pare,Centru,600,1\n")
		importCSV(t, a, "vehicles", "plate,owner_identifier,owner_name,make\n"+
			"CJ 12 ABC,1920822296090,Ion Popescu,Dacia Logan\nCJ 07 VAS,1731013120515,Vasile Pop,Skoda Octavia\n")
		ion := verifiedCitizen(t, a, "1920822296090", "Ion Popescu")
		vasile := verifiedCitizen(t, a, "1731013120515", "Vasile Pop")
		first := file(t, a, parking(ion, "1920822296090", "Str. Horea 12", "CJ 12 ABC", "proprietate"))
		drain(t, a)
		if _, err := sources.SubscriptionForCase(ctx, a.DB.Read(), first.ID); err != nil {
			t.Fatalf("first subscription: %v", err)
		}
		steps, _ := clerk.Steps(ctx, a.DB.Read(), first.ID)
		head := testenv.User(t, a, identity.Head, "parcari")
		if err := a.Clerk.Review(ctx, head, first.ID, steps[len(steps)-1].ID, true, "Adresa nu este locuința de domiciliu."); err != nil {
			t.Fatal(err)
		}
		if _, err := sources.SubscriptionForCase(ctx, a.DB.Read(), first.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the reversed subscription still holds its place: %v", err)
		}
		second := file(t, a, parking(vasile, "1731013120515", "Str. Horea 14", "CJ 07 VAS", "proprietate"))
		drain(t, a)
		if c, _ := a.Cases.Get(ctx, identity.VirtualClerk, second.ID); c.Status != cases.Decided {
			t.Fatalf("the freed place was not granted: %s", c.Status)
		}
	})
}
