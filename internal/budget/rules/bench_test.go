package rules

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/budget/pabulib"
)

// benchFiles are the largest instances in testdata, one of each ballot kind
// that has a points rule, and the Warszawa-sized district.
var benchFiles = []string{
	"Poland_Warszawa_2019_Praga-Poludnie.pb", // approval, 7343 voters, 35 projects
	"Poland_Wroclaw_2016_Rejon_nr_13_250.pb", // choose-1, 1975 voters
	"France_Toulouse_2019.pb",                // cumulative, 1494 voters
	"Poland_Krakow_2018_Bronowice.pb",        // ordinal, 1561 voters
}

// add1Rules returns the MES+Add1 rules that apply to in.
func add1Rules(in *pabulib.Instance) []string {
	var out []string
	for _, r := range Names {
		if strings.Contains(r, "_add1") {
			t, _ := newTally(in)
			if t.fits(r) == nil {
				out = append(out, r)
			}
		}
	}
	return out
}

// BenchmarkAdd1 runs every MES+Add1 rule on the largest instances, and
// reports the CPU time per count beside the wall time (the machine is
// shared: CPU time moves less with the load). With PABUTOOLS_SRC set (and
// python3 with gmpy2), it also runs scripts/pabutools_tally.py on the same
// file and rule right after, checks that the winners are the same, and
// reports pabutools' wall and CPU time for the rule alone (as the script
// measures them, parsing excluded) and both ratios:
//
//	PABUTOOLS_SRC=/tmp/pabutools-1.2.3 go test -run XXX -bench Add1 -benchtime 3x ./internal/budget/rules/
func BenchmarkAdd1(b *testing.B) {
	for _, file := range benchFiles {
		in := readInstance(b, filepath.Join(realDir, file))
		for _, rule := range add1Rules(in) {
			b.Run(strings.TrimSuffix(file, ".pb")+"/"+rule, func(b *testing.B) {
				var res *Result
				cpu0 := cpuTime()
				for b.Loop() {
					var err error
					if res, err = Tally(in, rule, Options{}); err != nil {
						b.Fatal(err)
					}
				}
				ours := b.Elapsed().Seconds() / float64(b.N)
				oursCPU := (cpuTime() - cpu0).Seconds() * 1000 / float64(b.N)
				b.ReportMetric(oursCPU, "cpu-ms/op")
				b.ReportMetric(float64(res.Runs), "runs")
				if secs, cpu, ok := pabutoolsSeconds(b, file, rule, res); ok {
					b.ReportMetric(secs, "pabutools-s")
					b.ReportMetric(cpu, "pabutools-cpu-s")
					b.ReportMetric(secs/ours, "speedup")
					b.ReportMetric(cpu/(oursCPU/1000), "cpu-speedup")
				}
			})
		}
	}
}

// cpuTime is the CPU time this process has used, all threads.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkParse reads the Warszawa-sized file.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(realDir, benchFiles[0]))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := pabulib.Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// pabutoolsSeconds runs the reference script on file and rule when
// PABUTOOLS_SRC is set and returns its wall and CPU seconds for the rule; it
// fails the benchmark if the winners differ from ours. Without PABUTOOLS_SRC
// (as in CI) it does nothing.
func pabutoolsSeconds(b *testing.B, file, rule string, res *Result) (secs, cpu float64, ok bool) {
	if os.Getenv("PABUTOOLS_SRC") == "" {
		return 0, 0, false
	}
	script := filepath.Join("..", "..", "..", "scripts", "pabutools_tally.py")
	start := time.Now()
	out, err := exec.Command("python3", script, "--rule", rule, filepath.Join(realDir, file)).Output()
	if err != nil {
		b.Fatalf("pabutools on %s %s: %v", file, rule, err)
	}
	wall := time.Since(start)
	var ref struct {
		Winners    []string `json:"winners"`
		Seconds    float64  `json:"seconds"`
		CPUSeconds float64  `json:"cpu_seconds"`
	}
	if err := json.Unmarshal(out, &ref); err != nil {
		b.Fatal(err)
	}
	if !slices.Equal(ref.Winners, res.Winners) {
		b.Fatalf("%s %s: pabutools %v, ours %v", file, rule, ref.Winners, res.Winners)
	}
	b.Logf("%s %s: pabutools %.3fs for the rule (%.3fs CPU; %.3fs with start-up and parsing)", file, rule, ref.Seconds, ref.CPUSeconds, wall.Seconds())
	return ref.Seconds, ref.CPUSeconds, true
}
