package clerk_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/testenv"
)

// Two replicas of Cetate on one database, each running its virtual civil servant
// with several jobs at once, answer every request exactly once: one step, one
// decision, one signed document, and a registry without gaps or duplicates.
func TestVirtualClerkReplicasShareTheQueue(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		if _, err := sources.Import(ctx, a.DB, "tax-roll", strings.NewReader("identifier,name,address,debt_lei\n1630615123457,Maria Pop,Str. Memorandumului 28,125.50\n")); err != nil {
			t.Fatal(err)
		}
		replica, err := app.Open(ctx, a.Config)
		if err != nil {
			t.Fatal(err)
		}
		defer replica.Close()
		u := citizenWithCNP(t, a, "1630615123457")
		const n = 40
		ids := make([]int64, n)
		for i := range ids {
			c, err := a.Cases.File(ctx, fiscal(u, "1630615123457"))
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = c.ID
		}

		var wg sync.WaitGroup
		taken := make([]int, 2)
		for i, w := range []*clerk.Worker{a.Clerk, replica.Clerk} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for idle := 0; idle < 3; {
					k, err := w.RunOnce(ctx)
					if err != nil {
						t.Errorf("replica %d: %v", i, err)
						return
					}
					taken[i] += k
					if k == 0 {
						idle++
					}
				}
			}()
		}
		wg.Wait()
		if taken[0]+taken[1] != n {
			t.Fatalf("jobs taken %v, want %d in all: a job ran twice or was lost", taken, n)
		}
		for _, id := range ids {
			c, err := a.Cases.Get(ctx, identity.VirtualClerk, id)
			if err != nil || c.Status != cases.Decided {
				t.Fatalf("case %d: %v %v", id, c.Status, err)
			}
			steps, _ := clerk.Steps(ctx, a.DB.Read(), id)
			docs, _ := documents.ForCase(ctx, a.DB.Read(), id)
			if len(steps) != 1 || len(docs) != 1 {
				t.Fatalf("case %d: %d steps and %d documents, want one of each", id, len(steps), len(docs))
			}
		}
		if problems, err := registry.Verify(ctx, a.DB.Read()); err != nil || len(problems) != 0 {
			t.Fatalf("registry after two replicas: %v %v", problems, err)
		}
		var pending int
		a.DB.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM clerk_jobs WHERE state <> 'done'`).Scan(&pending)
		if pending != 0 {
			t.Fatal(fmt.Sprintf("%d jobs not done", pending))
		}
	})
}
