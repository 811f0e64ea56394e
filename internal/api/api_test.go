package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/api"
	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/loadtest"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/server"
	"github.com/cetate/cetate/internal/testenv"
)

type client struct {
	t    *testing.T
	base string
}

func (c client) do(method, path, token string, body any, headers ...string) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

type world struct {
	a                                 *app.App
	c                                 client
	dept                              string
	citizen, other, worker, head, far string // tokens
	clerk, admin                      string
	caseID                            float64
	workerUser                        *identity.User
}

func setup(t *testing.T, a *app.App) *world {
	srv := httptest.NewServer(server.Handler(a, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	svc, _ := a.Catalog.Service("petitie")
	w := &world{a: a, c: client{t, srv.URL}, dept: svc.Department}
	w.citizen = testenv.Token(t, a, testenv.User(t, a, identity.Citizen, ""))
	w.other = testenv.Token(t, a, testenv.User(t, a, identity.Citizen, ""))
	w.workerUser = testenv.User(t, a, identity.Worker, w.dept)
	w.worker = testenv.Token(t, a, w.workerUser)
	w.head = testenv.Token(t, a, testenv.User(t, a, identity.Head, w.dept))
	w.far = testenv.Token(t, a, testenv.User(t, a, identity.Head, "taxe-locale"))
	w.clerk = testenv.Token(t, a, testenv.User(t, a, identity.Clerk, ""))
	w.admin = testenv.Token(t, a, testenv.User(t, a, identity.Admin, ""))
	return w
}

var petition = map[string]any{"service": "petitie", "fields": map[string]any{
	"name": "Ion Popescu", "email": "ion@example.ro", "message": "Sesizare de test."}}

func TestFileAndFollow(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		w := setup(t, a)
		st, r := w.c.do("POST", "/api/v1/requests", w.citizen, petition)
		if st != 201 {
			t.Fatalf("file: %d %v", st, r)
		}
		for _, k := range []string{"id", "number", "status", "registered_at", "legal_deadline"} {
			if r[k] == nil || r[k] == "" {
				t.Fatalf("201 lacks %s: %v", k, r)
			}
		}
		if r["status"] != "registered" || !strings.HasPrefix(r["number"].(string), "1/") {
			t.Fatalf("201 body %v", r)
		}
		id := r["id"].(float64)

		// Bad CNP: 422 naming the field, translated, and no number used.
		messages := map[string]string{}
		for _, lang := range []string{"ro", "en", "hu"} {
			bad := map[string]any{"service": "petitie", "fields": map[string]any{"name": "Ion", "email": "ion@example.ro", "message": "x", "cnp": "1920822296091"}}
			st, r := w.c.do("POST", "/api/v1/requests", w.citizen, bad, "Accept-Language", lang)
			if st != 422 {
				t.Fatalf("bad cnp (%s): %d %v", lang, st, r)
			}
			errs, _ := r["errors"].([]any)
			found := false
			for _, e := range errs {
				m := e.(map[string]any)
				if m["field"] == "cnp" && m["message"] != "" {
					found = true
					messages[lang] = m["message"].(string)
				}
			}
			if !found {
				t.Fatalf("422 (%s) does not name cnp: %v", lang, r)
			}
		}
		if messages["ro"] == messages["en"] || messages["en"] == messages["hu"] {
			t.Fatalf("the CNP error is not translated: %v", messages)
		}
		_, ro := w.c.do("POST", "/api/v1/requests", w.citizen, map[string]any{"service": "petitie", "fields": map[string]any{}}, "Accept-Language", "ro")
		_, en := w.c.do("POST", "/api/v1/requests", w.citizen, map[string]any{"service": "petitie", "fields": map[string]any{}}, "Accept-Language", "en-GB,en;q=0.9")
		if fmt.Sprint(ro["errors"]) == fmt.Sprint(en["errors"]) {
			t.Fatalf("Romanian and English errors are the same: %v", ro)
		}
		st, r = w.c.do("POST", "/api/v1/requests", w.citizen, petition)
		if st != 201 || !strings.HasPrefix(r["number"].(string), "2/") {
			t.Fatalf("after rejected filings the next number must be 2: %d %v", st, r)
		}
		for _, body := range []string{`{`, `{"service":"petitie","fields":{},"extra":1}`, `[]`} {
			req, _ := http.NewRequest("POST", w.c.base+"/api/v1/requests", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+w.citizen)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Fatalf("malformed JSON %q: %d", body, resp.StatusCode)
			}
		}

		path := fmt.Sprintf("/api/v1/requests/%.0f", id)
		st, r = w.c.do("GET", path, w.citizen, nil)
		if st != 200 || r["number"] != "1/"+strings.SplitN(r["number"].(string), "/", 2)[1] || r["timeline"] == nil {
			t.Fatalf("owner read: %d %v", st, r)
		}
		st, r = w.c.do("GET", "/api/v1/requests", w.citizen, nil)
		if st != 200 || len(r["requests"].([]any)) != 2 {
			t.Fatalf("own list: %d %v", st, r)
		}
		st, _ = w.c.do("GET", "/api/v1/requests", w.other, nil)
		if st != 200 {
			t.Fatalf("other's own list: %d", st)
		}

		// The worker processes it; the citizen sees who viewed it.
		if st, r = w.c.do("POST", path[:0]+fmt.Sprintf("/api/v1/cases/%.0f/assign", id), w.worker, map[string]any{}); st != 200 || r["status"] != "assigned" {
			t.Fatalf("assign: %d %v", st, r)
		}
		if st, r = w.c.do("POST", fmt.Sprintf("/api/v1/cases/%.0f/extend", id), w.worker, map[string]any{"days": 20, "reason": "x"}); st != 422 {
			t.Fatalf("extend beyond limit: %d %v", st, r)
		}
		if st, r = w.c.do("POST", fmt.Sprintf("/api/v1/cases/%.0f/extend", id), w.worker, map[string]any{"days": 15, "reason": "Analiză complexă."}); st != 200 || r["extended_days"].(float64) != 15 {
			t.Fatalf("extend: %d %v", st, r)
		}
		if st, r = w.c.do("POST", fmt.Sprintf("/api/v1/cases/%.0f/decide", id), w.worker, map[string]any{"outcome": "approved"}); st != 422 {
			t.Fatalf("decide without reason: %d %v", st, r)
		}
		if st, r = w.c.do("POST", fmt.Sprintf("/api/v1/cases/%.0f/decide", id), w.worker, map[string]any{"outcome": "partial", "reason": "Parțial admisă."}); st != 200 || r["status"] != "decided" {
			t.Fatalf("decide: %d %v", st, r)
		}
		if st, r = w.c.do("POST", fmt.Sprintf("/api/v1/cases/%.0f/close", id), w.head, map[string]any{}); st != 200 || r["status"] != "closed" {
			t.Fatalf("close: %d %v", st, r)
		}
		st, r = w.c.do("GET", path, w.citizen, nil)
		views, _ := r["views"].([]any)
		regs, _ := r["registry"].([]any)
		msgs, _ := r["messages"].([]any)
		if st != 200 || len(views) == 0 || len(regs) != 2 || len(msgs) < 2 {
			t.Fatalf("final read: %d views=%d registry=%d messages=%d", st, len(views), len(regs), len(msgs))
		}

		// Staff queue, filtered.
		st, r = w.c.do("GET", "/api/v1/cases?status=registered", w.head, nil)
		if st != 200 || len(r["cases"].([]any)) != 1 {
			t.Fatalf("queue: %d %v", st, r)
		}
		if st, _ = w.c.do("GET", "/api/v1/cases?overdue=maybe", w.head, nil); st != 400 {
			t.Fatalf("bad overdue flag: %d", st)
		}

		// The clerk registers paper mail and an outgoing reply, then cancels one.
		st, in := w.c.do("POST", "/api/v1/registry/entries", w.clerk, map[string]any{"direction": "in", "department": w.dept, "subject": "Scrisoare", "correspondent": "Maria Pop", "channel": "post"})
		if st != 201 {
			t.Fatalf("clerk registers paper: %d %v", st, in)
		}
		st, out := w.c.do("POST", "/api/v1/registry/entries", w.clerk, map[string]any{"direction": "out", "department": w.dept, "subject": "Răspuns", "reply_to": in["id"]})
		if st != 201 || out["reply_to"] != in["id"] {
			t.Fatalf("outgoing reply: %d %v", st, out)
		}
		st, c := w.c.do("POST", fmt.Sprintf("/api/v1/registry/entries/%.0f/cancel", in["id"]), w.clerk, map[string]any{"reason": "Înregistrare dublă."})
		if st != 200 || c["cancelled"] != true || c["number"] != in["number"] {
			t.Fatalf("cancel: %d %v", st, c)
		}
		st, c = w.c.do("POST", "/api/v1/requests", w.clerk, map[string]any{"service": "petitie", "channel": "counter", "fields": petition["fields"]})
		if st != 201 {
			t.Fatalf("clerk files paper petition: %d %v", st, c)
		}
		if p, _ := registry.Verify(t.Context(), a.DB.Read()); len(p) != 0 {
			t.Fatalf("registry: %v", p)
		}
	})
}

// Every route, tried by an anonymous caller, another citizen and staff of another
// department: none of them may read or change what is not theirs.
func TestEveryRouteRefusesTheWrongUser(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		w := setup(t, a)
		st, r := w.c.do("POST", "/api/v1/requests", w.citizen, petition)
		if st != 201 {
			t.Fatal(st, r)
		}
		id := int64(r["id"].(float64))
		ent, _ := registry.ForCase(t.Context(), a.DB.Read(), id)
		for _, rt := range api.New(a, nil).Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			path := strings.NewReplacer("{id}", fmt.Sprint(id), "{code}", "petitie", "{doc}", "1").Replace(pattern)
			if strings.Contains(pattern, "/registry/entries/{id}") {
				path = strings.Replace(pattern, "{id}", fmt.Sprint(ent[0].ID), 1)
			}
			var body any
			switch {
			case method == "GET":
			case strings.HasSuffix(pattern, "/extend"):
				body = map[string]any{"days": 1, "reason": "x"}
			case strings.HasSuffix(pattern, "/decide"):
				body = map[string]any{"outcome": "approved", "reason": "x"}
			case strings.HasSuffix(pattern, "/respond"):
				body = map[string]any{"message": "m"}
			case strings.HasSuffix(pattern, "/assign"):
				body = map[string]any{}
			case pattern == "/api/v1/requests":
				body = petition
			case pattern == "/api/v1/registry/entries":
				body = map[string]any{"direction": "in", "department": w.dept, "subject": "s"}
			default:
				body = map[string]any{"reason": "x"}
			}
			public := strings.HasPrefix(pattern, "/api/v1/services") || pattern == "/api/openapi.json"
			callers := []struct {
				name, token string
			}{{"anonymous", ""}, {"another citizen", w.other}, {"staff of another department", w.far}}
			for _, c := range callers {
				st, r := w.c.do(method, path, c.token, body)
				switch {
				case public:
					if st != 200 {
						t.Errorf("%s %s by %s: %d, want 200 (public)", method, path, c.name, st)
					}
				case c.token == "":
					if st != 401 {
						t.Errorf("%s %s anonymous: %d, want 401", method, path, st)
					}
				case (pattern == "/api/v1/requests" && (method == "GET" || c.token == w.other)) || (pattern == "/api/v1/cases" && c.token == w.far) || (pattern == "/api/v1/registry/entries" && method == "GET" && c.token == w.far):
					// Lists scoped to the caller: allowed, but must not contain the case.
					if st >= 300 && st != 403 {
						t.Errorf("%s %s by %s: %d", method, path, c.name, st)
					}
					if raw, _ := json.Marshal(r); strings.Contains(string(raw), "Ion Popescu") {
						t.Errorf("%s %s by %s leaks the applicant: %s", method, path, c.name, raw)
					}
				default:
					if st != 403 && st != 404 {
						t.Errorf("%s %s by %s: %d %v, want 403 or 404", method, path, c.name, st, r)
					}
				}
			}
		}
		// Nothing the wrong users did changed the case.
		st, r = w.c.do("GET", fmt.Sprintf("/api/v1/requests/%d", id), w.citizen, nil)
		if st != 200 || r["status"] != "registered" {
			t.Fatalf("case changed by the wrong users: %v", r)
		}
		if st, _ := w.c.do("GET", "/api/v1/requests/1", "cet_forged", nil); st != 401 {
			t.Fatalf("forged token: %d", st)
		}
	})
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	w := setup(t, a)
	st, doc := w.c.do("GET", "/api/openapi.json", "", nil)
	if st != 200 || doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi: %d %v", st, doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	for _, rt := range api.New(a, nil).Routes() {
		method, pattern, _ := strings.Cut(rt.Pattern, " ")
		ops, ok := paths[pattern].(map[string]any)
		if !ok || ops[strings.ToLower(method)] == nil {
			t.Errorf("%s is not in the OpenAPI document", rt.Pattern)
		}
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		if st, _ := w.c.do("GET", p, "", nil); st != 200 {
			t.Errorf("%s: %d", p, st)
		}
	}
	st, body := w.c.do("GET", "/api/v1/services", "", nil)
	list := body["services"].([]any)
	if st != 200 || len(list) < 30 {
		t.Fatalf("services: %d, %d", st, len(list))
	}
	first := list[0].(map[string]any)
	dept := first["department"].(map[string]any)
	term := first["legal_term"].(map[string]any)
	if dept["code"] == "" || dept["name"] == "" || term["days"] == nil || term["working"] == nil {
		t.Fatalf("service shape: %v", first)
	}
	st, svc := w.c.do("GET", "/api/v1/services/petitie", "", nil, "Accept-Language", "hu")
	if st != 200 || len(svc["fields"].([]any)) != 5 {
		t.Fatalf("petitie: %d %v", st, svc)
	}
}

// 64 concurrent clients file 2,000 requests over HTTP: numbers 1..2000, no gap, no duplicate.
func TestConcurrentClientsGetEveryNumberOnce(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		w := setup(t, a)
		tokens := []string{w.citizen, w.other}
		res := loadtest.File(t.Context(), w.c.base, tokens, 64, 2000, loadtest.PetitionBody)
		if res.Acked != 2000 || res.Failed != 0 {
			t.Fatalf("%s; first error: %s", res, res.FirstError)
		}
		seen := map[string]bool{}
		for _, ack := range res.Acks {
			seq := strings.SplitN(ack.Number, "/", 2)[0]
			if seen[seq] {
				t.Fatalf("number %s given twice", seq)
			}
			seen[seq] = true
		}
		for i := 1; i <= 2000; i++ {
			if !seen[fmt.Sprint(i)] {
				t.Fatalf("number %d never given", i)
			}
		}
		if p, err := registry.Verify(t.Context(), a.DB.Read()); err != nil || len(p) != 0 {
			t.Fatalf("registry verify: %v %v", p, err)
		}
	})
}

func multipartFiling(t *testing.T, w *world, fields map[string]string, fileField, fileName string, data []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if data != nil {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", w.c.base+"/api/v1/requests", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+w.citizen)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// Uploads: type checked by content, size limited, stored once by content hash.
func TestUploads(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		w := setup(t, a)
		fields := map[string]string{"service": "petitie", "name": "Ion Popescu", "email": "ion@example.ro", "message": "Cu poză."}
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
		for i := 0; i < 2; i++ {
			st, r := multipartFiling(t, w, fields, "attachment", "dovada.pdf", pdf)
			if st != 201 {
				t.Fatalf("upload: %d %v", st, r)
			}
			_, got := w.c.do("GET", fmt.Sprintf("/api/v1/requests/%.0f", r["id"]), w.citizen, nil)
			docs, _ := got["files"].([]any)
			if len(docs) != 1 || docs[0].(map[string]any)["content_type"] != "application/pdf" || docs[0].(map[string]any)["name"] != "dovada.pdf" {
				t.Fatalf("files: %v", got["files"])
			}
		}
		var blobs int
		a.DB.Read().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM blobs`).Scan(&blobs)
		if blobs != 1 {
			t.Fatalf("the same file was stored %d times", blobs)
		}
		// A web page named .pdf is refused by its content, and nothing is stored.
		st, r := multipartFiling(t, w, fields, "attachment", "factura.pdf", []byte("<html><script>alert(1)</script></html>"))
		if st != 422 || !strings.Contains(fmt.Sprint(r["errors"]), "file_type") {
			t.Fatalf("html as pdf: %d %v", st, r)
		}
		big := append(append([]byte{}, pdf...), bytes.Repeat([]byte("0"), 11<<20)...)
		st, r = multipartFiling(t, w, fields, "attachment", "mare.pdf", big)
		if st != 422 || !strings.Contains(fmt.Sprint(r["errors"]), "file_too_large") {
			t.Fatalf("11 MB file: %d %v", st, r)
		}
		huge := bytes.Repeat([]byte("0"), 26<<20)
		if st, _ := multipartFiling(t, w, fields, "attachment", "imens.pdf", huge); st != 413 {
			t.Fatalf("26 MB body: %d, want 413", st)
		}
		st, r = multipartFiling(t, w, fields, "nu_exista", "x.pdf", pdf)
		if st != 422 {
			t.Fatalf("file under an unknown field: %d %v", st, r)
		}
		a.DB.Read().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM blobs`).Scan(&blobs)
		var cases int
		a.DB.Read().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM cases`).Scan(&cases)
		if blobs != 1 || cases != 2 {
			t.Fatalf("refused uploads left %d blobs, %d cases", blobs, cases)
		}
	})
}
