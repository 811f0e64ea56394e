package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestFormatsPerLanguage(t *testing.T) {
	day := time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang, date, number, money string
	}{
		{"ro", "24 decembrie 2026", "1.234.567,5", "1.250,50 lei"},
		{"en", "24 December 2026", "1,234,567.5", "1,250.50 lei"},
		{"hu", "2026. december 24.", "1\u00a0234\u00a0567,5", "1\u00a0250,50 lei"},
	} {
		p := &Page{Lang: c.lang}
		if got := p.Date(day); got != c.date {
			t.Errorf("%s date: %q, want %q", c.lang, got, c.date)
		}
		if got := p.Number(1234567.5); got != c.number {
			t.Errorf("%s number: %q, want %q", c.lang, got, c.number)
		}
		if got := p.Money(1250.5); got != c.money {
			t.Errorf("%s money: %q, want %q", c.lang, got, c.money)
		}
	}
	// A registration time late on 31 December UTC is 1 January in Bucharest.
	p := &Page{Lang: "ro"}
	if got := p.Date(time.Date(2025, 12, 31, 22, 30, 0, 0, time.UTC)); got != "1 ianuarie 2026" {
		t.Errorf("Bucharest date: %q", got)
	}
	if got := p.Money(15); got != "15 lei" {
		t.Errorf("whole lei: %q", got)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/cereri": "/cereri", "//evil.example": "", "https://evil.example": "", "/\\evil": "", "": ""} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReturnTo(t *testing.T) {
	get := httptest.NewRequest("GET", "/cereri/7?x=1", nil)
	post := httptest.NewRequest("POST", "/ciorne/3/pas/2", nil)
	post.Header.Set("Referer", "http://"+post.Host+"/ciorne/3/pas/2")
	foreign := httptest.NewRequest("POST", "/ciorne/3/pas/2", nil)
	foreign.Header.Set("Referer", "https://evil.example/x")
	for r, want := range map[*http.Request]string{get: "/cereri/7?x=1", post: "/ciorne/3/pas/2", foreign: "/"} {
		if got := returnTo(r); got != want {
			t.Errorf("%s %s: %q, want %q", r.Method, r.URL, got, want)
		}
	}
}
