package rules

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/cetate/cetate/internal/budget/pabulib"
)

// realDir holds real Pabulib files; pabutools_outcomes.json beside it has
// pabutools 1.2.3's winners for each file and rule (scripts/pabutools_tally.py).
var realDir = filepath.Join("..", "testdata", "pabulib")

type reference struct {
	Winners   []string `json:"winners"`
	TotalCost string   `json:"total_cost"`
}

func loadReference(t testing.TB) map[string]map[string]reference {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "pabutools_outcomes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]map[string]reference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func readInstance(t testing.TB, path string) *pabulib.Instance {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := pabulib.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return in
}

// TestPabutoolsOutcomes: on every real file and every rule pabutools ran,
// the winners are pabutools' winners, in the same order (pabutools returns
// them in selection order), and the total cost is the same.
func TestPabutoolsOutcomes(t *testing.T) {
	ref := loadReference(t)
	files := make([]string, 0, len(ref))
	for f := range ref {
		files = append(files, f)
	}
	sort.Strings(files)
	if len(files) < 9 {
		t.Fatalf("only %d reference files", len(files))
	}
	for _, file := range files {
		in := readInstance(t, filepath.Join(realDir, file))
		for rule, want := range ref[file] {
			t.Run(file+"/"+rule, func(t *testing.T) {
				res, err := Tally(in, rule, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(res.Winners, want.Winners) || FormatAmount(res.TotalCost) != want.TotalCost {
					t.Errorf("winners %v (cost %s)\npabutools %v (cost %s)", res.Winners, FormatAmount(res.TotalCost), want.Winners, want.TotalCost)
				}
			})
		}
	}
}
