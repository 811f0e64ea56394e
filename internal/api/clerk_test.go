package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/testenv"
)

// The contract of issue 5: a certificat-fiscal whose cnp is the account's verified
// CNP and is in the tax roll is answered without a person, within seconds, and the
// signed PDF is served to its owner only.
func TestTaxCertificateAnsweredByTheVirtualClerk(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go a.Clerk.Run(ctx)
		w := setup(t, a)
		if _, err := sources.Import(ctx, a.DB, "tax-roll", strings.NewReader("identifier,name,address,debt_lei\n1630615123457,Maria Pop,Str. Memorandumului 28,125.50\n")); err != nil {
			t.Fatal(err)
		}
		u, err := identity.CreateUser(ctx, a.DB, identity.NewUser{Email: "maria@example.ro", Password: "Parola-Lunga-2026!", Role: identity.Citizen,
			Name: "Maria Pop", CNP: "1630615123457", EmailVerified: true}, 0)
		if err != nil {
			t.Fatal(err)
		}
		tok := testenv.Token(t, a, u)
		st, r := w.c.do("POST", "/api/v1/requests", tok, map[string]any{"service": "certificat-fiscal", "fields": map[string]any{
			"name": "Maria Pop", "email": "maria@example.ro", "cnp": "1630615123457", "purpose": "notar"}})
		if st != 201 {
			t.Fatalf("file: %d %v", st, r)
		}
		path := fmt.Sprintf("/api/v1/requests/%.0f", r["id"])
		var got map[string]any
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			_, got = w.c.do("GET", path, tok, nil)
			if docs, _ := got["documents"].([]any); got["status"] == "decided" && len(docs) == 1 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		docs, _ := got["documents"].([]any)
		if got["status"] != "decided" || got["outcome"] != "approved" || len(docs) != 1 || !strings.Contains(got["decision_reason"].(string), "125,50 lei") {
			t.Fatalf("not answered automatically: %v", got)
		}
		doc := docs[0].(map[string]any)
		if doc["number"] == "" || !strings.Contains(doc["verify_url"].(string), "/verify/") {
			t.Fatalf("document: %v", doc)
		}
		if steps, _ := got["automation"].([]any); len(steps) != 1 || steps[0].(map[string]any)["rule"] != "certificat-fiscal/rol-fiscal" {
			t.Fatalf("automation: %v", got["automation"])
		}
		get := func(token string) (int, string, []byte) {
			req, _ := http.NewRequest("GET", doc["url"].(string), nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, resp.Header.Get("Content-Type"), body
		}
		st, ct, pdf := get(tok)
		if st != 200 || ct != "application/pdf" {
			t.Fatalf("owner gets the PDF: %d %s", st, ct)
		}
		if _, err := documents.Verify(pdf, a.Clerk.Issuer.Signer.Certificate()); err != nil {
			t.Fatalf("the served PDF does not verify: %v", err)
		}
		urbanism := testenv.Token(t, a, testenv.User(t, a, identity.Worker, "urbanism"))
		for name, other := range map[string]string{"another citizen": w.other, "staff of another department": urbanism, "anonymous": ""} {
			if st, _, _ := get(other); st != 404 && st != 401 {
				t.Errorf("%s gets the PDF: %d", name, st)
			}
		}
	})
}
