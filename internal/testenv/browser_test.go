package testenv

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The pages below are served with the portal's kind of policy: no inline
// script or style, so anything the helpers do must work through DevTools.
const testCSP = "default-src 'self'"

const testCSS = `
body { font-family: "DejaVu Sans", sans-serif; color: #0b0c0c; background: #fff; margin: 1rem; }
a { color: #1d4ed8; }
:focus-visible { outline: 3px solid #0b0c0c; outline-offset: 2px; }
.nofocus:focus, .nofocus:focus-visible { outline: none; }
.wide { width: 600px; background: #eee; }
`

const goodPage = `<!doctype html>
<html lang="ro">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cerere de înregistrare</title><link rel="stylesheet" href="/style.css"></head>
<body>
<a href="#continut" id="skip">Salt la conținut</a>
<main id="continut">
<h1>Cerere de înregistrare — ș ț ă â î</h1>
<p><a href="/next" id="next">Pagina următoare</a></p>
<form method="post" action="/submit" enctype="multipart/form-data">
  <label for="name">Nume și prenume</label>
  <input id="name" name="name" type="text" required>
  <label for="details">Detalii</label>
  <textarea id="details" name="details"></textarea>
  <label for="district">Cartier</label>
  <select id="district" name="district">
    <option value="">Alegeți</option>
    <option value="gheorgheni">Gheorgheni</option>
    <option value="manastur">Mănăștur</option>
  </select>
  <input id="consent" name="consent" type="checkbox" value="da"><label for="consent">Sunt de acord</label>
  <label for="doc">Document</label>
  <input id="doc" name="doc" type="file">
  <button type="button" id="noop">Nu face nimic</button>
  <button type="submit" id="send">Trimite</button>
</form>
</main>
</body></html>`

const badPage = `<!doctype html>
<html lang="ro">
<head><meta charset="utf-8"><title>Pagină cu probleme</title><link rel="stylesheet" href="/style.css">
<script>document.title = 'inline script ran';</script></head>
<body><main>
<h1>Pagină cu probleme</h1>
<img src="/pixel.png">
<input type="text" name="unlabelled">
<button class="nofocus">Fără contur</button>
<div class="wide">Lată</div>
</main></body></html>`

func testSite(t *testing.T) *httptest.Server {
	t.Helper()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, body)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /good", page(goodPage))
	mux.HandleFunc("GET /bad", page(badPage))
	mux.HandleFunc("GET /next", page(`<!doctype html><html lang="ro"><head><meta charset="utf-8"><title>Următoarea</title></head><body><main><h1 id="h">A doua pagină</h1></main></body></html>`))
	mux.HandleFunc("GET /style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, testCSS)
	})
	mux.HandleFunc("GET /pixel.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(onePixelPNG)
	})
	mux.HandleFunc("GET /headers", func(w http.ResponseWriter, r *http.Request) {
		page(`<!doctype html><html lang="en"><head><title>h</title></head><body><p id="lang">`+
			html.EscapeString(r.Header.Get("Accept-Language"))+`</p></body></html>`)(w, r)
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		file := "none"
		if f, h, err := r.FormFile("doc"); err == nil {
			b, _ := io.ReadAll(f)
			file = fmt.Sprintf("%s:%s", h.Filename, b)
		}
		var out strings.Builder
		for _, k := range []string{"name", "details", "district", "consent"} {
			fmt.Fprintf(&out, "%s=%s;", k, r.FormValue(k))
		}
		fmt.Fprintf(&out, "doc=%s", file)
		w.WriteHeader(http.StatusCreated)
		page(`<!doctype html><html lang="ro"><head><title>Primit</title></head><body><main><h1>Mulțumim</h1><p id="result">`+
			html.EscapeString(out.String())+`</p></main></body></html>`)(w, r)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", testCSP)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A 1×1 PNG, enough for an <img> that loads.
var onePixelPNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
	0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
	0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
}

func TestBrowser(t *testing.T) {
	start := time.Now()
	b := NewBrowser(t)
	t.Logf("browser %s started in %s", b.Version(), time.Since(start).Round(time.Millisecond))
	srv := testSite(t)

	t.Run("navigation", func(t *testing.T) {
		p := b.Page(t)
		p.Go(srv.URL + "/good")
		if p.Status() != http.StatusOK {
			t.Errorf("status %d, want 200", p.Status())
		}
		if got := p.URL(); got != srv.URL+"/good" {
			t.Errorf("URL %q", got)
		}
		if got := p.Text("h1"); got != "Cerere de înregistrare — ș ț ă â î" {
			t.Errorf("h1 text %q", got)
		}
		if !strings.Contains(p.HTML(), `<main id="continut">`) {
			t.Error("HTML lacks the <main> element")
		}
		p.Click("#next") // a link: Click waits for the next page
		if got := p.Text("#h"); got != "A doua pagină" {
			t.Errorf("after clicking the link: h1 %q, URL %s", got, p.URL())
		}
		p.Go("/good") // relative to the current page
		if got := p.URL(); got != srv.URL+"/good" {
			t.Errorf("relative Go: URL %q", got)
		}
		began := time.Now()
		p.Click("#noop") // no navigation: Click must not wait for one
		if d := time.Since(began); d > 2*time.Second {
			t.Errorf("Click on a button that loads nothing took %s", d)
		}
		if got := p.URL(); got != srv.URL+"/good" {
			t.Errorf("after the no-op click: URL %q", got)
		}
	})

	t.Run("language", func(t *testing.T) {
		p := b.Page(t)
		p.Go(srv.URL + "/headers")
		if got := p.Text("#lang"); !strings.HasPrefix(got, "ro") {
			t.Errorf("default Accept-Language %q, want Romanian first", got)
		}
		p.SetLanguage("hu")
		p.Go(srv.URL + "/headers")
		if got := p.Text("#lang"); got != "hu" {
			t.Errorf("Accept-Language after SetLanguage(hu): %q", got)
		}
	})

	t.Run("form", func(t *testing.T) {
		doc := filepath.Join(t.TempDir(), "act.txt")
		if err := os.WriteFile(doc, []byte("act de identitate"), 0o644); err != nil {
			t.Fatal(err)
		}
		p := b.Page(t)
		p.Go(srv.URL + "/good")
		p.Fill("#name", "Ștefan Țăranu")
		p.Fill("#details", "Rândul 1\nRândul 2")
		p.Select("#district", "Mănăștur") // by visible text
		p.Check("#consent")
		p.Check("#consent") // already checked: stays checked
		p.Upload("#doc", doc)
		p.Submit("#send")
		if p.Status() != http.StatusCreated {
			t.Errorf("status %d after submit, want 201", p.Status())
		}
		want := "name=Ștefan Țăranu;details=Rândul 1\r\nRândul 2;district=manastur;consent=da;doc=act.txt:act de identitate"
		got := p.HTML()
		if !strings.Contains(got, html.EscapeString(want)) && !strings.Contains(got, strings.ReplaceAll(html.EscapeString(want), "\r\n", "\n")) {
			t.Errorf("the server got something else than\n%s\npage:\n%s", want, got)
		}
		if got := p.URL(); got != srv.URL+"/submit" {
			t.Errorf("URL after submit %q", got)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv(ArtifactsEnv, dir)
		p := b.Page(t)
		p.Go(srv.URL + "/good")
		p.Screenshot("start page")
		p.Screenshot("again")
		for _, name := range []string{"01-start_page.png", "02-again.png"} {
			file := filepath.Join(dir, "screenshots", "TestBrowser", "screenshot", name)
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 1000 {
				t.Errorf("%s is not a page-sized PNG (%d bytes)", file, len(b))
			}
		}
	})

	t.Run("axe", func(t *testing.T) {
		p := b.Page(t)
		p.Go(srv.URL + "/good")
		if vs := p.Axe(); len(vs) != 0 {
			t.Errorf("the accessible page has violations:\n%s", FormatAxe(vs))
		}
		p.CheckAxe() // a second run reuses the injected axe-core
		p.Go(srv.URL + "/bad")
		if title := p.Text("h1"); title != "Pagină cu probleme" {
			t.Fatalf("h1 %q", title)
		}
		if !strings.Contains(p.HTML(), "<title>Pagină cu probleme</title>") {
			t.Error("the inline script ran: the page's CSP is not in force, so this test proves nothing about it")
		}
		found := map[string]bool{}
		for _, v := range p.Axe() {
			found[v.ID] = true
			if v.Help == "" || len(v.Nodes) == 0 || len(v.Nodes[0].Target) == 0 {
				t.Errorf("violation %s lacks help or targets: %+v", v.ID, v)
			}
		}
		for _, id := range []string{"image-alt", "label"} {
			if !found[id] {
				t.Errorf("axe-core missed %s on the bad page; found %v", id, found)
			}
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		p := b.Page(t)
		p.Go(srv.URL + "/good")
		if got := p.Tab(); got != `a#skip[href=#continut] "Salt la conținut"` {
			t.Errorf("first Tab focuses %s", got)
		}
		if !p.FocusVisible() {
			t.Error("the skip link's outline is not seen")
		}
		if got := p.Tab(); got != `a#next[href=/next] "Pagina următoare"` {
			t.Errorf("second Tab focuses %s", got)
		}
		if got := p.Tab(); got != `input#name[name=name][type=text] "Nume și prenume"` {
			t.Errorf("third Tab focuses %s", got)
		}
		if !p.FocusVisible() {
			t.Error("the field's outline is not seen")
		}
		p.Press("Shift+Tab")
		p.Press("Enter") // follows the focused link
		if got := p.Text("#h"); got != "A doua pagină" {
			t.Errorf("Enter on the link: h1 %q, URL %s", got, p.URL())
		}

		p.Go(srv.URL + "/bad")
		if got := p.Tab(); !strings.HasPrefix(got, "input[name=unlabelled]") {
			t.Errorf("first Tab on the bad page focuses %s", got)
		}
		if got := p.Tab(); got != `button "Fără contur"` {
			t.Errorf("second Tab on the bad page focuses %s", got)
		}
		if p.FocusVisible() {
			t.Error("FocusVisible sees an outline on a button styled outline: none")
		}
	})

	t.Run("small screen", func(t *testing.T) {
		t.Setenv(ArtifactsEnv, t.TempDir())
		p := b.Page(t)
		p.SetViewport(320, 640)
		p.Go(srv.URL + "/good")
		if !p.eval("width", `window.innerWidth === 320`) {
			t.Error("the viewport is not 320 px wide")
		}
		if p.ScrollsSideways() {
			t.Error("the accessible page scrolls sideways at 320 px")
		}
		p.Screenshot("320")
		p.Go(srv.URL + "/bad")
		if !p.ScrollsSideways() {
			t.Error("a 600-px-wide block does not make the page scroll sideways at 320 px")
		}
	})
	t.Logf("whole browser test: %s", time.Since(start).Round(time.Millisecond))
}
