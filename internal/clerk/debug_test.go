package clerk

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDebug(t *testing.T) {
	q := os.Getenv("Q")
	if q == "" {
		t.Skip()
	}
	f, _ := loadFinder(t)
	for _, q := range strings.Split(q, "|") {
		fmt.Printf("== %s\n", q)
		for _, m := range f.Find(q, os.Getenv("L"), 6) {
			fmt.Printf("  %6.2f %s\n", m.Score, m.Service.Code)
		}
	}
}
