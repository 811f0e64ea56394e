package cases_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// seedCases inserts n cases spread over departments and deadlines in large
// transactions, straight into the table: the benchmark measures reading, not filing.
func seedCases(b *testing.B, a *app.App, n int, dept string) {
	ctx := context.Background()
	depts := []string{dept, "taxe-locale", "urbanism", "stare-civila", "asistenta-sociala"}
	statuses := []string{"registered", "assigned", "in_progress", "decided", "closed"}
	const batch = 80 // SQLite binds parameters by name: long statements cost quadratic time
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for done := 0; done < n; {
		err := a.DB.Tx(ctx, func(tx *store.Tx) error {
			for k := 0; k < 250 && done < n; k++ {
				rows := min(batch, n-done)
				q := `INSERT INTO cases (service, department, applicant_name, status, number, registered_at, registered_on,
					legal_deadline, term_days, term_working, fields, updated_at) VALUES `
				args := make([]any, 0, rows*12)
				for i := 0; i < rows; i++ {
					j := done + i
					if i > 0 {
						q += ","
					}
					p := len(args)
					q += fmt.Sprintf("($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", p+1, p+2, p+3, p+4, p+5, p+6, p+7, p+8, p+9, p+10, p+11, p+12)
					reg := start.Add(time.Duration(j%700) * 24 * time.Hour)
					args = append(args, "petitie", depts[j%len(depts)], "Ion Popescu", statuses[j%len(statuses)],
						fmt.Sprintf("%d/101/01.01.2025", j+1), reg.UnixMicro(), reg.Format("2006-01-02"),
						reg.AddDate(0, 0, 31).Format("2006-01-02"), 30, 0, `{"name":"Ion Popescu"}`, reg.UnixMicro())
				}
				if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					return err
				}
				done += rows
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func benchCases() int {
	if n, err := strconv.Atoi(os.Getenv("CETATE_BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// BenchmarkQueue reads the staff case list (first page and a deep page) with 16
// concurrent readers over CETATE_BENCH_CASES cases (default 1,000,000), and reports
// the p99 latency.
func BenchmarkQueue(b *testing.B) {
	for _, k := range []testenv.Kind{testenv.SQLite, testenv.Postgres} {
		b.Run(string(k), func(b *testing.B) {
			a := testenv.App(b, k)
			svc, _ := a.Catalog.Service("petitie")
			n := benchCases()
			t0 := time.Now()
			seedCases(b, a, n, svc.Department)
			if a.DB.Dialect() == store.Postgres {
				a.DB.Write().ExecContext(context.Background(), "ANALYZE cases")
			} else {
				a.DB.Write().ExecContext(context.Background(), "ANALYZE")
			}
			b.Logf("seeded %d cases in %s", n, time.Since(t0).Round(time.Second))
			worker := testenv.User(b, a, identity.Worker, svc.Department)
			ctx := context.Background()
			// A deep page: walk to the middle of the department's queue once.
			deep := ""
			p, _ := a.Cases.Queue(ctx, worker, cases.QueueFilter{Limit: 200})
			for i := 0; i < 200 && p.Next != ""; i++ { // 200 × 200 = 40,000 cases deep
				deep = p.Next
				p, _ = a.Cases.Queue(ctx, worker, cases.QueueFilter{Limit: 200, Cursor: deep})
			}
			for _, page := range []struct{ name, cursor string }{{"first", ""}, {"deep", deep}} {
				b.Run(page.name, func(b *testing.B) {
					var mu sync.Mutex
					var lat []time.Duration
					b.SetParallelism(8) // 8 × GOMAXPROCS(2) = 16 readers
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						var mine []time.Duration
						for pb.Next() {
							t := time.Now()
							p, err := a.Cases.Queue(ctx, worker, cases.QueueFilter{Limit: 50, Cursor: page.cursor})
							if err != nil || len(p.Cases) != 50 {
								b.Errorf("queue: %v, %d cases", err, len(p.Cases))
								return
							}
							mine = append(mine, time.Since(t))
						}
						mu.Lock()
						lat = append(lat, mine...)
						mu.Unlock()
					})
					sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
					if len(lat) > 0 {
						b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
					}
				})
			}
		})
	}
}

// BenchmarkFile files petitions through the domain from parallel goroutines.
func BenchmarkFile(b *testing.B) {
	for _, k := range []testenv.Kind{testenv.SQLite, testenv.Postgres} {
		b.Run(string(k), func(b *testing.B) {
			a := testenv.App(b, k)
			citizen := testenv.User(b, a, identity.Citizen, "")
			f := petition(citizen)
			b.SetParallelism(32) // 64 goroutines on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := a.Cases.File(context.Background(), f); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
