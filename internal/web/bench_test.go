package web_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/cetate/cetate/internal/server"
	"github.com/cetate/cetate/internal/testenv"
)

// BenchmarkPortalPages renders the public pages in process (no network), to show
// what a page costs the server.
func BenchmarkPortalPages(b *testing.B) {
	a := testenv.App(b, testenv.SQLite)
	h := server.Handler(a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, path := range []string{"/", "/cautare?q=buletin", "/servicii", "/servicii/petitie", "/urmarire"} {
		b.Run(path, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
				if w.Code != 200 {
					b.Fatalf("%s: %d", path, w.Code)
				}
			}
		})
	}
}
