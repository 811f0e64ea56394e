package api_test

import (
	"net/url"
	"testing"

	"github.com/cetate/cetate/internal/testenv"
)

// TestSearchServices: GET /api/v1/services?q= answers the services the finder
// matches, best first, in the same shape as the full list.
func TestSearchServices(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	w := setup(t, a)
	list := func(t *testing.T, query string, headers ...string) []map[string]any {
		t.Helper()
		st, body := w.c.do("GET", "/api/v1/services"+query, "", nil, headers...)
		if st != 200 {
			t.Fatalf("GET services%s: %d %v", query, st, body)
		}
		raw, ok := body["services"].([]any)
		if !ok {
			t.Fatalf("GET services%s: no services list in %v", query, body)
		}
		out := make([]map[string]any, len(raw))
		for i, s := range raw {
			out[i] = s.(map[string]any)
		}
		return out
	}
	all := list(t, "")

	for _, c := range []struct {
		name, q, lang, first string
	}{
		{"synonym", "buletin", "", "carte-identitate-programare"},
		{"no diacritics, inflected", "certificatului de urbanism", "", "certificat-urbanism"},
		{"diacritics", "autorizație de construire", "", "autorizatie-construire"},
		{"typo", "autorizatie de constrctie", "", "autorizatie-construire"},
		{"sentence", "vreau sa imi fac buletin nou ca mi-a expirat", "", "carte-identitate-programare"},
		{"english", "building permit", "en", "autorizatie-construire"},
		{"hungarian", "személyi igazolvány", "hu", "carte-identitate-programare"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var headers []string
			if c.lang != "" {
				headers = []string{"Accept-Language", c.lang}
			}
			got := list(t, "?q="+url.QueryEscape(c.q), headers...)
			if len(got) == 0 || got[0]["code"] != c.first {
				t.Fatalf("q=%q: want %s first, got %v", c.q, c.first, codesOf(got))
			}
			if len(got) >= len(all) {
				t.Errorf("q=%q lists %d services, as many as without q", c.q, len(got))
			}
			// Same shape as the list without q.
			s := got[0]
			dept, _ := s["department"].(map[string]any)
			if s["name"] == "" || dept["code"] == "" || dept["name"] == "" || s["legal_term"] == nil || s["life_events"] == nil {
				t.Errorf("q=%q: service shape %v", c.q, s)
			}
		})
	}

	t.Run("language of the texts", func(t *testing.T) {
		got := list(t, "?q=buletin", "Accept-Language", "en")
		if len(got) == 0 || got[0]["name"] != "Identity card appointment" {
			t.Errorf("q=buletin in English: %v", got)
		}
	})
	t.Run("nonsense", func(t *testing.T) {
		if got := list(t, "?q=qwerty+zxcv"); len(got) != 0 {
			t.Errorf("q=qwerty zxcv: %v; want an empty list", codesOf(got))
		}
	})
	t.Run("blank q is no question", func(t *testing.T) {
		for _, q := range []string{"?q=", "?q=+++"} {
			if got := list(t, q); len(got) != len(all) {
				t.Errorf("%s: %d services; want all %d", q, len(got), len(all))
			}
		}
	})
}

func codesOf(list []map[string]any) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s["code"]
	}
	return out
}
