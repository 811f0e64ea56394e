package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/testenv"
)

// TestIdentityVerifiedAtTheCounter: a citizen who signed up is told how to get their
// identity verified; a clerk finds the account by its exact e-mail (audited),
// mistakes are shown with 422 and change nothing, the confirmation verifies the CNP,
// and only an administrator revokes it. Anonymous callers and citizens change
// nothing.
func TestIdentityVerifiedAtTheCounter(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		citizen := testenv.User(t, a, identity.Citizen, "")
		clerk := testenv.User(t, a, identity.Clerk, "")
		worker := testenv.User(t, a, identity.Worker, "urbanism")
		adm := testenv.User(t, a, identity.Admin, "")
		// An account given a CNP when it was made: that CNP is taken.
		twin, err := identity.CreateUser(ctx, a.DB, identity.NewUser{Email: "geaman@example.ro", Password: admPassword,
			Role: identity.Citizen, Name: "Geamăn", CNP: "1920822296090", EmailVerified: true}, 0)
		if err != nil {
			t.Fatal(err)
		}
		const cnp, doc = "1630615123457", "CI KX 123456"
		verifyURL := fmt.Sprintf("/admin/identitate/%d", citizen.ID)
		lookups := func(id string) int {
			return admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'identity.lookup' AND actor_id = $1 AND entity_id = $2`, clerk.ID, id)
		}
		snapshot := func() string {
			return fmt.Sprint(admCount(t, a, `SELECT COUNT(*) FROM users WHERE cnp_verified = 1`), admCount(t, a, `SELECT COUNT(*) FROM users WHERE cnp <> ''`),
				admCount(t, a, `SELECT COUNT(*) FROM identity_verifications`), admCount(t, a, `SELECT COUNT(*) FROM identity_verifications WHERE revoked_at <> 0`),
				admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action IN ('identity.verify', 'identity.revoke')`))
		}
		before := snapshot()

		// The citizen is told plainly where to go.
		cb := staffSignIn(t, base, citizen)
		st, body := cb.get("/cereri")
		if st != 200 {
			t.Fatalf("my requests: %d", st)
		}
		admContains(t, "unverified citizen", body, "nu este încă verificată", "orice ghișeu al primăriei", citizen.Email, "ROeID")

		// The wrong people: sent to sign in, or refused; nothing changes.
		cb.get("/cereri")
		token := csrfRe.FindStringSubmatch(cb.last)[1]
		clerkB := staffSignIn(t, base, clerk)
		clerkB.get("/admin")
		clerkToken := csrfRe.FindStringSubmatch(clerkB.last)[1]
		form := url.Values{"cnp": {cnp}, "document": {doc}, "seen": {"true"}, "reason": {"Greșeală"}}
		for _, tc := range []struct {
			who          string
			c            *http.Client
			token        string
			method, path string
			want         int
		}{
			{"anonymous", admNoRedirects(newBrowser(t, base)), "", "GET", "/admin/identitate?email=" + url.QueryEscape(citizen.Email), 303},
			{"anonymous", admNoRedirects(newBrowser(t, base)), "", "POST", verifyURL, 303},
			{"anonymous", admNoRedirects(newBrowser(t, base)), "", "POST", verifyURL + "/revocare", 303},
			{"citizen", admNoRedirects(cb), token, "GET", "/admin/identitate?email=" + url.QueryEscape(citizen.Email), 403},
			{"citizen", admNoRedirects(cb), token, "POST", verifyURL, 403},
			{"citizen", admNoRedirects(cb), token, "POST", verifyURL + "/revocare", 403},
			{"clerk revoking", admNoRedirects(clerkB), clerkToken, "POST", fmt.Sprintf("/admin/identitate/%d/revocare", twin.ID), 403},
			{"clerk on a staff account", admNoRedirects(clerkB), clerkToken, "POST", fmt.Sprintf("/admin/identitate/%d", worker.ID), 404},
			{"clerk on no account", admNoRedirects(clerkB), clerkToken, "POST", "/admin/identitate/999999", 404},
			{"clerk without the form's token", admNoRedirects(clerkB), "", "POST", verifyURL, 403},
		} {
			var resp *http.Response
			if tc.method == "GET" {
				resp, err = tc.c.Get(base + tc.path)
			} else {
				f := url.Values{"csrf": {tc.token}}
				for k, v := range form {
					f[k] = v
				}
				resp, err = tc.c.PostForm(base+tc.path, f)
			}
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("%s %s %s: %d, want %d", tc.who, tc.method, tc.path, resp.StatusCode, tc.want)
			}
		}
		if lookups(fmt.Sprint(citizen.ID)) != 0 || snapshot() != before {
			t.Fatalf("refused requests changed something: %s -> %s", before, snapshot())
		}

		// The clerk's screen, linked from the menu.
		st, body = clerkB.get("/admin/identitate")
		if st != 200 {
			t.Fatalf("identity page: %d", st)
		}
		admContains(t, "identity page", body, `href="/admin/identitate" aria-current="page"`, `id="f-email"`, `method="get" action="/admin/identitate"`)
		if strings.Contains(body, citizen.Email) || strings.Contains(body, `id="f-cnp"`) {
			t.Fatal("the empty screen shows an account")
		}

		// Only an exact address finds an account; staff accounts are not found here.
		for _, q := range []string{"", "citizen", "example.ro", "@example.ro"} {
			if st, body := clerkB.get("/admin/identitate?email=" + url.QueryEscape(q)); st != 422 || strings.Contains(body, citizen.Email) {
				t.Errorf("search %q: %d", q, st)
			} else {
				admContains(t, "bad address", body, `class="error-summary"`, `href="#f-email"`, `aria-invalid="true"`)
			}
		}
		// No pattern matching: a wildcard is just a character of an address.
		for _, q := range []string{"nimeni@example.ro", "%@example.ro", worker.Email} {
			before := lookups("")
			st, body := clerkB.get("/admin/identitate?email=" + url.QueryEscape(q))
			if st != 200 || strings.Contains(body, `id="f-cnp"`) {
				t.Fatalf("search %s: %d", q, st)
			}
			admContains(t, "no citizen account", body, "Nu există un cont de cetățean")
			if lookups("") != before+1 {
				t.Fatalf("a search that found nothing was not audited")
			}
		}
		st, body = clerkB.get("/admin/identitate?email=" + url.QueryEscape(" "+strings.ToUpper(citizen.Email)+" "))
		if st != 200 {
			t.Fatalf("search the citizen: %d", st)
		}
		admContains(t, "the citizen found", body, citizen.Name, citizen.Email, "Neverificată", `action="`+verifyURL+`"`, `id="f-cnp"`, `id="f-document"`, `id="f-seen"`)
		if strings.Contains(body, "/revocare") {
			t.Fatal("a clerk is offered revocation")
		}
		if lookups(fmt.Sprint(citizen.ID)) != 1 {
			t.Fatal("showing the account was not audited as a read of personal data")
		}

		// Mistakes: 422, every field named, nothing changes.
		for _, tc := range []struct {
			name  string
			f     url.Values
			wants []string
		}{
			{"empty", url.Values{}, []string{`href="#f-cnp"`, `href="#f-document"`, `href="#f-seen"`}},
			{"bad check digit", url.Values{"cnp": {"1630615123458"}, "document": {doc}, "seen": {"true"}}, []string{`href="#f-cnp"`, "ultima cifră nu se potrivește"}},
			{"document without a number", url.Values{"cnp": {cnp}, "document": {"buletin"}, "seen": {"true"}}, []string{`href="#f-document"`, `value="buletin"`}},
			{"not confirmed", url.Values{"cnp": {cnp}, "document": {doc}}, []string{`href="#f-seen"`, `value="` + cnp + `"`}},
			{"CNP verified on another account", url.Values{"cnp": {twin.CNP}, "document": {doc}, "seen": {"true"}}, []string{`href="#f-cnp"`, "deja verificat pe alt cont"}},
		} {
			clerkB.get("/admin/identitate?email=" + url.QueryEscape(citizen.Email))
			st, body := clerkB.post(verifyURL, tc.f)
			if st != 422 {
				t.Errorf("%s: %d, want 422", tc.name, st)
				continue
			}
			admContains(t, tc.name, body, append(tc.wants, `class="error-summary"`, `aria-invalid="true"`, citizen.Name)...)
		}
		if snapshot() != before {
			t.Fatalf("refused verifications changed something: %s -> %s", before, snapshot())
		}

		// The confirmation: the account is verified, the screen is ready for the next person.
		clerkB.get("/admin/identitate?email=" + url.QueryEscape(citizen.Email))
		st, body = clerkB.post(verifyURL, url.Values{"cnp": {" 1630615 123457"}, "document": {doc}, "seen": {"true"}})
		if st != 200 {
			t.Fatalf("verify: %d", st)
		}
		admContains(t, "after verifying", body, "Identitatea a fost verificată", `id="f-email"`)
		if strings.Contains(body, citizen.Email) {
			t.Fatal("the citizen's account stays on the counter's screen")
		}
		u, err := identity.UserByID(ctx, a.DB.Read(), citizen.ID)
		if err != nil || !u.CNPVerified || u.CNP != cnp {
			t.Fatalf("after verifying: %+v %v", u, err)
		}
		if admCount(t, a, `SELECT COUNT(*) FROM identity_verifications WHERE user_id = $1 AND verified_by = $2 AND document = $3 AND revoked_at = 0`,
			citizen.ID, clerk.ID, doc) != 1 {
			t.Fatal("no record of who verified, on which document")
		}
		if admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'identity.verify' AND actor_id = $1 AND actor_role = 'clerk' AND entity_id = $2 AND legal_basis = $3`,
			clerk.ID, fmt.Sprint(citizen.ID), identity.VerificationLegalBasis) != 1 {
			t.Fatal("the verification was not audited")
		}
		st, body = clerkB.get("/admin/identitate?email=" + url.QueryEscape(citizen.Email))
		admContains(t, "a verified account", body, "Verificată", doc, clerk.Name)
		if st != 200 || strings.Contains(body, `id="f-cnp"`) || strings.Contains(body, cnp) {
			t.Fatalf("a verified account: %d, offers verification again or shows the CNP", st)
		}
		if st, body := clerkB.post(verifyURL, url.Values{"cnp": {cnp}, "document": {doc}, "seen": {"true"}}); st != 422 || !strings.Contains(body, "deja verificată") {
			t.Fatalf("verifying twice: %d", st)
		}
		if _, body := cb.get("/cereri"); !strings.Contains(body, "Identitatea dumneavoastră este verificată") || strings.Contains(body, "orice ghișeu") {
			t.Fatal("the citizen is not told their identity is verified")
		}

		// Any counter role verifies: a worker confirms the twin's neighbour.
		other := testenv.User(t, a, identity.Citizen, "")
		wb := staffSignIn(t, base, worker)
		wb.get("/admin/identitate?email=" + url.QueryEscape(other.Email))
		if st, _ := wb.post(fmt.Sprintf("/admin/identitate/%d", other.ID), url.Values{"cnp": {"2900101410011"}, "document": {"Pașaport 051234567"}, "seen": {"true"}}); st != 200 {
			t.Fatalf("a worker verifies: %d", st)
		}
		if u, _ := identity.UserByID(ctx, a.DB.Read(), other.ID); !u.CNPVerified {
			t.Fatal("the worker's verification did not hold")
		}

		// An administrator revokes a mistake, with a reason.
		ab := staffSignIn(t, base, adm)
		st, body = ab.get("/admin/identitate?email=" + url.QueryEscape(citizen.Email))
		admContains(t, "admin's view", body, `action="`+verifyURL+`/revocare"`, `id="f-reason"`)
		if st, body := ab.post(verifyURL+"/revocare", url.Values{"reason": {"   "}}); st != 422 {
			t.Fatalf("revoke without a reason: %d", st)
		} else {
			admContains(t, "revoke without a reason", body, `class="error-summary"`, `href="#f-reason"`)
		}
		if u, _ := identity.UserByID(ctx, a.DB.Read(), citizen.ID); !u.CNPVerified {
			t.Fatal("a refused revocation changed the account")
		}
		if st, body := ab.post(verifyURL+"/revocare", url.Values{"reason": {"Cifre inversate la ghișeu"}}); st != 200 || !strings.Contains(body, "a fost anulată") {
			t.Fatalf("revoke: %d", st)
		}
		if u, _ := identity.UserByID(ctx, a.DB.Read(), citizen.ID); u.CNPVerified || u.CNP != "" {
			t.Fatalf("after revoking: %+v", u)
		}
		if admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'identity.revoke' AND actor_id = $1 AND entity_id = $2`, adm.ID, fmt.Sprint(citizen.ID)) != 1 {
			t.Fatal("the revocation was not audited")
		}
		if st, body := ab.post(verifyURL+"/revocare", url.Values{"reason": {"Din nou"}}); st != 422 || !strings.Contains(body, "nu aveți ce anula") {
			t.Fatalf("revoke twice: %d", st)
		}
		admConsistency(t, a)
	})
}

// TestIdentityPageInEveryLanguage: the counter's screen is translated.
func TestIdentityPageInEveryLanguage(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	clerk := testenv.User(t, a, identity.Clerk, "")
	b := staffSignIn(t, base, clerk)
	for lang, want := range map[string]string{"ro": "Verificarea identității la ghișeu", "en": "Identity check at the counter", "hu": "Személyazonosság ellenőrzése az ügyfélszolgálaton"} {
		if st, body := b.get("/admin/identitate?lang=" + lang + "&email=" + url.QueryEscape(clerk.Email)); st != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d, lacks %q", lang, st, want)
		}
	}
}
