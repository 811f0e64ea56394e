package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/testenv"
)

// registryNumber is how a registration number reads on the pages: entry number,
// register, date (1234/12/05.03.2026 or, for the general register, 17/05.03.2026).
var registryNumber = regexp.MustCompile(`\d+(/\d+)*/\d\d\.\d\d\.\d{4}`)

// TestCitizenJourneyInBrowser walks the petition journey in a real Chromium, as a
// citizen would: find the service from plain words, file it page by page with an
// attachment (through one error on the way), see the number and the deadline, follow
// it, and answer the city hall's request for information. Every step is written to
// test-artifacts/screenshots/TestCitizenJourneyInBrowser.
func TestCitizenJourneyInBrowser(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	b := testenv.NewBrowser(t)
	p := b.Page(t)
	citizen := testenv.User(t, a, identity.Citizen, "")
	worker := testenv.User(t, a, identity.Worker, "relatii-cetateni")
	pdf := writePDF(t, "dovada.pdf")

	// Find the petition from plain words.
	p.Go(base + "/")
	wantStatus(t, p, 200)
	p.Screenshot("home")
	p.Fill("#q", "vreau sa fac o reclamatie")
	p.Submit("#q")
	wantStatus(t, p, 200)
	if !strings.Contains(p.URL(), "/cautare?q=vreau+sa+fac+o+reclamatie") {
		t.Fatalf("the search went to %s", p.URL())
	}
	p.Screenshot("search-results")
	p.Click(`main .cards a[href="/servicii/petitie"]`)
	wantStatus(t, p, 200)
	if h := p.Text("h1"); h != "Petiție" {
		t.Fatalf("service page heading %q", h)
	}
	p.Screenshot("service")

	// Starting asks an anonymous visitor to sign in, brings them back to the
	// service, signed in, and starting again opens the form.
	p.Submit(`main button.start`)
	if !strings.HasSuffix(p.URL(), "/autentificare?next=%2Fservicii%2Fpetitie") {
		t.Fatalf("start without an account went to %s, not to the sign-in page", p.URL())
	}
	p.Screenshot("sign-in")
	p.Fill("#f-email", citizen.Email)
	p.Fill("#f-password", "Parola-Lunga-2026!")
	p.Submit("#f-password")
	wantStatus(t, p, 200)
	if !strings.HasSuffix(p.URL(), "/servicii/petitie") || p.Text(".notice") != i18n.T("ro", "web.signin.welcome", nil) {
		t.Fatalf("after signing in the citizen is at %s, not back on the service page", p.URL())
	}
	p.Screenshot("signed-in-service")
	p.Submit(`main button.start`)
	wantStatus(t, p, 200)
	if !regexp.MustCompile(`/ciorne/\d+/pas/1$`).MatchString(p.URL()) {
		t.Fatalf("after signing in the citizen is at %s, not on the first page of the form", p.URL())
	}
	if got := fieldValue(p, "f-name"); got != citizen.Name {
		t.Errorf("name not filled in from the account: %q", got)
	}
	if got := fieldValue(p, "f-email"); got != citizen.Email {
		t.Errorf("e-mail not filled in from the account: %q", got)
	}
	p.Screenshot("step-1")

	// An invalid CNP: the error summary appears, takes the focus, and links to the field.
	p.Fill("#f-cnp", "1920822296091")
	p.Submit(`main button[name="next"]`)
	wantStatus(t, p, 422)
	if f := p.Focused(); !strings.HasPrefix(f, "div") || !strings.Contains(f, "Există o problemă") {
		t.Errorf("the error summary does not have the focus; the focus is on %s", f)
	}
	summary := p.HTML()
	if !strings.Contains(summary, `<a href="#f-cnp">`) || !strings.Contains(summary, `id="f-cnp"`) {
		t.Fatal("the error summary does not link to the CNP field")
	}
	if !strings.Contains(p.Text(".error-summary"), "CNP") {
		t.Errorf("error summary text: %q", p.Text(".error-summary"))
	}
	p.Screenshot("step-1-invalid-cnp")
	p.Click(`.error-summary a[href="#f-cnp"]`)
	if f := p.Focused(); !strings.HasPrefix(f, "input#f-cnp") {
		t.Errorf("following the summary's link leaves the focus on %s, not on the CNP field", f)
	}
	p.Fill("#f-cnp", "1920822296090")
	p.Submit(`main button[name="next"]`)
	wantStatus(t, p, 200)
	if !strings.HasSuffix(p.URL(), "/pas/2") {
		t.Fatalf("a valid first page led to %s", p.URL())
	}
	p.Fill("#f-message", "Groapă mare în asfalt pe strada Horea 12, în fața școlii.")
	p.Screenshot("step-2-message")
	p.Submit(`main button[name="next"]`)
	if !strings.HasSuffix(p.URL(), "/pas/3") {
		t.Fatalf("the message page led to %s", p.URL())
	}
	p.Upload("#f-attachment", pdf)
	p.Screenshot("step-3-attachment")
	p.Submit(`main button[name="next"]`)
	wantStatus(t, p, 200)
	if !strings.HasSuffix(p.URL(), "/verificare") {
		t.Fatalf("the last page led to %s, not to check your answers", p.URL())
	}
	answers := p.Text("main .answers")
	for _, want := range []string{citizen.Name, "1920822296090", "Groapă mare", "dovada.pdf"} {
		if !strings.Contains(answers, want) {
			t.Errorf("check your answers lacks %q:\n%s", want, answers)
		}
	}
	p.Screenshot("check-answers")

	// Send: the confirmation gives the registration number and the deadline.
	p.Submit(`main form[action$="/trimitere"] button`)
	wantStatus(t, p, 200)
	confirmation := p.Text(".confirmation")
	number := registryNumber.FindString(confirmation)
	if number == "" {
		t.Fatalf("no registration number on the confirmation: %q", confirmation)
	}
	own, err := a.Cases.ListOwn(context.Background(), citizen, "", 10)
	if err != nil || len(own.Cases) != 1 {
		t.Fatalf("the citizen's cases: %v, %v", own.Cases, err)
	}
	c := own.Cases[0]
	if c.Number != number {
		t.Errorf("the page shows %s, the case is %s", number, c.Number)
	}
	if deadline := roDate(c.LegalDeadline.Day(), int(c.LegalDeadline.Month()), c.LegalDeadline.Year()); !strings.Contains(confirmation, deadline) {
		t.Errorf("the confirmation does not give the deadline %s: %q", deadline, confirmation)
	}
	p.Screenshot("confirmation")

	// My requests lists it.
	p.Click(`nav a[href="/cereri"]`)
	wantStatus(t, p, 200)
	if row := p.Text("main table"); !strings.Contains(row, number) || !strings.Contains(row, "Petiție") {
		t.Fatalf("my requests does not list %s:\n%s", number, row)
	}
	p.Screenshot("my-requests")

	// The worker asks for more; the citizen sees it, answers with text and a file.
	const question = "Vă rugăm să trimiteți o fotografie a locului."
	if _, err := a.Cases.RequestInfo(context.Background(), worker, c.ID, question); err != nil {
		t.Fatal(err)
	}
	p.Go(base + "/cereri")
	p.Screenshot("my-requests-info-requested")
	p.Click(fmt.Sprintf(`main table a[href="/cereri/%d"]`, c.ID))
	wantStatus(t, p, 200)
	if q := p.Text("#answer-title + blockquote"); q != question {
		t.Errorf("the request for information reads %q", q)
	}
	p.Screenshot("request-info-requested")
	// An empty answer is refused with the summary, then a real one goes through.
	p.Submit(`main form[action$="/raspuns"] button`)
	wantStatus(t, p, 422)
	if !strings.Contains(p.HTML(), `<a href="#f-message">`) {
		t.Error("an empty answer gives no error linked to the message field")
	}
	p.Screenshot("answer-empty")
	p.Fill("#f-message", "Am atașat fotografia cerută.")
	p.Upload("#f-file", writePDF(t, "fotografie.pdf"))
	p.Screenshot("answer-filled")
	p.Submit(`main form[action$="/raspuns"] button`)
	wantStatus(t, p, 200)
	if notice := p.Text(".notice"); notice != i18n.T("ro", "web.request.answered", nil) {
		t.Errorf("no confirmation that the answer was received: %q", notice)
	}
	if status := p.Text("main .facts .tag"); status != i18n.T("ro", "status.in_progress", nil) {
		t.Errorf("after answering the status says %q", status)
	}
	timeline := p.Text("main .timeline")
	if !strings.Contains(timeline, i18n.T("ro", "web.event.info_answered", nil)) || !strings.Contains(timeline, "Am atașat") {
		t.Errorf("the timeline does not show the answer:\n%s", timeline)
	}
	if docs := p.Text("main"); !strings.Contains(docs, "fotografie.pdf") || !strings.Contains(docs, "dovada.pdf") {
		t.Errorf("the request page does not list both files")
	}
	p.Screenshot("answered")

	after, err := a.Cases.Get(context.Background(), citizen, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != cases.InProgress {
		t.Errorf("the case is %s after the answer, want %s", after.Status, cases.InProgress)
	}
}

// wantStatus fails the test when the last page loaded had another HTTP status.
func wantStatus(t *testing.T, p *testenv.Page, want int) {
	t.Helper()
	if got := p.Status(); got != want {
		t.Fatalf("%s answered %d, want %d", p.URL(), got, want)
	}
}

// fieldValue is the value attribute of the input with the given id, as served.
func fieldValue(p *testenv.Page, id string) string {
	m := regexp.MustCompile(`<input[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(p.HTML())
	v := regexp.MustCompile(`\bvalue="([^"]*)"`).FindStringSubmatch(m)
	if v == nil {
		return ""
	}
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(v[1])
}

// roDate is a date as the Romanian pages print it: 5 martie 2026.
func roDate(day, month, year int) string {
	return fmt.Sprintf("%d %s %d", day, i18n.T("ro", "web.month."+strconv.Itoa(month), nil), year)
}

// signIn signs u in through the sign-in page; the session holds for every tab of b.
func signIn(t *testing.T, b *testenv.Browser, base string, u *identity.User) {
	t.Helper()
	p := b.Page(t)
	p.Go(base + "/autentificare")
	p.Fill("#f-email", u.Email)
	p.Fill("#f-password", "Parola-Lunga-2026!")
	p.Submit("#f-password")
	if !strings.HasSuffix(p.URL(), "/cereri") {
		t.Fatalf("signing in %s ended at %s", u.Email, p.URL())
	}
}

// writePDF writes a small but well-formed one-page PDF to a temporary folder and
// returns its path.
func writePDF(t testing.TB, name string) string {
	t.Helper()
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"", // the content stream, below
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	text := "BT /F1 18 Tf 72 760 Td (Cetate test attachment) Tj ET"
	objects[3] = fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text)
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
