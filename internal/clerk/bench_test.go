package clerk_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/testenv"
)

// BenchmarkFiledToSignedPDF files certificat-fiscal requests one after another and
// has the virtual civil servant answer each: rules, decision, reply registered, PDF
// rendered and signed (RSA-3072) and stored. It reports the p50 and p99 of the time
// from filing to the signed PDF.
func BenchmarkFiledToSignedPDF(b *testing.B) {
	for _, k := range []testenv.Kind{testenv.SQLite, testenv.Postgres} {
		b.Run(string(k), func(b *testing.B) {
			a := testenv.App(b, k)
			ctx := context.Background()
			if _, err := sources.Import(ctx, a.DB, "tax-roll", strings.NewReader("identifier,name,address,debt_lei\n1630615123457,Maria Pop,Str. Memorandumului 28,125.50\n")); err != nil {
				b.Fatal(err)
			}
			u := citizenWithCNP(b, a, "1630615123457")
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := a.Cases.File(ctx, fiscal(u, "1630615123457")); err != nil {
					b.Fatal(err)
				}
				if n, err := a.Clerk.RunOnce(ctx); err != nil || n != 1 {
					b.Fatalf("run: %d %v", n, err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkClerkThroughput files b.N certificat-fiscal requests, then has R
// replicas of Cetate (separate App instances on the same database), each working C
// jobs at once, answer them all; it reports signed answers per second.
func BenchmarkClerkThroughput(b *testing.B) {
	for _, k := range []testenv.Kind{testenv.SQLite, testenv.Postgres} {
		for _, shape := range []struct{ replicas, concurrency int }{{1, 1}, {1, 4}, {2, 4}} {
			b.Run(fmt.Sprintf("%s/replicas=%d/jobs=%d", k, shape.replicas, shape.concurrency), func(b *testing.B) {
				a := testenv.App(b, k)
				ctx := context.Background()
				if _, err := sources.Import(ctx, a.DB, "tax-roll", strings.NewReader("identifier,name,address,debt_lei\n1630615123457,Maria Pop,Str. Memorandumului 28,125.50\n")); err != nil {
					b.Fatal(err)
				}
				workers := []*clerk.Worker{a.Clerk}
				for range shape.replicas - 1 {
					r, err := app.Open(ctx, a.Config)
					if err != nil {
						b.Fatal(err)
					}
					defer r.Close()
					workers = append(workers, r.Clerk)
				}
				u := citizenWithCNP(b, a, "1630615123457")
				for range b.N {
					if _, err := a.Cases.File(ctx, fiscal(u, "1630615123457")); err != nil {
						b.Fatal(err)
					}
				}
				b.ResetTimer()
				t0 := time.Now()
				var wg sync.WaitGroup
				var done atomic.Int64
				for _, w := range workers {
					w.Concurrency = shape.concurrency
					wg.Add(1)
					go func() {
						defer wg.Done()
						for idle := 0; idle < 2; {
							n, err := w.RunOnce(ctx)
							if err != nil {
								b.Error(err)
								return
							}
							done.Add(int64(n))
							if n == 0 {
								idle++
							}
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				if done.Load() != int64(b.N) {
					b.Fatalf("answered %d of %d", done.Load(), b.N)
				}
				b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "answers/s")
			})
		}
	}
}
