package clerk

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestHeldout(t *testing.T) {
	path := os.Getenv("H")
	if path == "" {
		t.Skip()
	}
	f, _ := loadFinder(t)
	file, _ := os.Open(path)
	sc := bufio.NewScanner(file)
	n, ok, top3 := 0, 0, 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 {
			continue
		}
		lang := "ro"
		if len(cols) == 3 {
			lang = cols[2]
		}
		n++
		got := codes(f.Find(cols[0], lang, 3))
		if len(got) > 0 && got[0] == cols[1] {
			ok++
			top3++
			continue
		}
		for _, c := range got {
			if c == cols[1] {
				top3++
			}
		}
		fmt.Printf("MISS %q want %s got %v\n", cols[0], cols[1], got)
	}
	fmt.Printf("p@1 %d/%d = %.1f%%  top3 %d\n", ok, n, 100*float64(ok)/float64(n), top3)
}
