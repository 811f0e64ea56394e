package clerk_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

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
