package clerk

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

func TestScores(t *testing.T) {
	if os.Getenv("S") == "" {
		t.Skip()
	}
	f, _ := loadFinder(t)
	var tops []float64
	var names []string
	for _, path := range []string{"testdata/phrasings.tsv", "/tmp/heldout/h1.tsv", "/tmp/heldout/h2.tsv"} {
		file, _ := os.Open(path)
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			cols := strings.Split(sc.Text(), "\t")
			if len(cols) < 2 || strings.HasPrefix(cols[0], "#") {
				continue
			}
			lang := "ro"
			if len(cols) == 3 {
				lang = cols[2]
			}
			got := f.Find(cols[0], lang, 3)
			if len(got) > 0 && got[0].Service.Code == cols[1] {
				tops = append(tops, got[0].Score)
				names = append(names, fmt.Sprintf("%.2f %s", got[0].Score, cols[0]))
			}
		}
	}
	sort.Strings(names)
	sort.Float64s(tops)
	fmt.Println(tops[:10])
	sort.Slice(names, func(i, j int) bool { var a, b float64; fmt.Sscan(names[i], &a); fmt.Sscan(names[j], &b); return a < b })
	for _, n := range names[:15] {
		fmt.Println(n)
	}
}
