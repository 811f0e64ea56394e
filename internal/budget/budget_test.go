package budget_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// env is one test's participatory budgeting: the service on a fresh database, a
// clock the test moves, and the people who act.
type env struct {
	t     *testing.T
	db    *store.DB
	s     *budget.Service
	mu    sync.Mutex
	now   time.Time
	admin *identity.User
	comm  *identity.User // a worker of the commission's department
	other *identity.User // a worker of another department
	ctx   context.Context
	base  string
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{t: t, db: db, ctx: context.Background(), base: "https://portal.example.ro"}
	e.s = budget.New(db, registry.New(registry.Institutions["cluj-napoca"]), []byte("0123456789abcdef0123456789abcdef"), "140")
	e.s.SetClock(func() time.Time {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.now
	})
	e.admin = e.user(identity.Admin, "", "")
	e.comm = e.user(identity.Worker, budget.Department, "")
	e.other = e.user(identity.Worker, "urbanism", "")
	return e
}

// at sets the clock to noon, Bucharest time, of the day given as YYYY-MM-DD.
func (e *env) at(day string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" 12:00", bucharest)
	if err != nil {
		e.t.Fatal(err)
	}
	e.setNow(t)
}

func (e *env) setNow(t time.Time) {
	e.mu.Lock()
	e.now = t
	e.mu.Unlock()
	// SetClock also forgets counted results, as a new day may publish them.
	e.s.SetClock(func() time.Time {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.now
	})
}

var bucharest, _ = time.LoadLocation("Europe/Bucharest")

var userSeq atomic.Int64

// user creates an account; a citizen with cnp has a verified identity.
func (e *env) user(role identity.Role, dept, cnp string) *identity.User {
	e.t.Helper()
	n := userSeq.Add(1)
	u, err := identity.CreateUser(e.ctx, e.db, identity.NewUser{Email: fmt.Sprintf("b%d@example.ro", n), Password: "Parola-Lunga-2026!",
		Role: role, Department: dept, Name: fmt.Sprintf("Persoana %d", n), CNP: cnp, EmailVerified: true}, 0)
	if err != nil {
		e.t.Fatalf("create %s: %v", role, err)
	}
	return u
}

// citizen creates a citizen born on birth (YYYY-MM-DD) with a verified CNP.
func (e *env) citizen(birth string) *identity.User {
	e.t.Helper()
	return e.user(identity.Citizen, "", cnpBornOn(e.t, birth))
}

var cnpSerial atomic.Int64

// cnpBornOn makes a valid CNP (county 12, Cluj) for someone born on birth.
func cnpBornOn(t *testing.T, birth string) string {
	t.Helper()
	d, err := time.Parse("2006-01-02", birth)
	if err != nil {
		t.Fatal(err)
	}
	s := 1
	if d.Year() >= 2000 {
		s = 5
	}
	c := fmt.Sprintf("%d%02d%02d%02d12%03d", s, d.Year()%100, d.Month(), d.Day(), cnpSerial.Add(1)%999+1)
	weights := []int{2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9}
	sum := 0
	for i, w := range weights {
		sum += int(c[i]-'0') * w
	}
	check := sum % 11
	if check == 10 {
		check = 1
	}
	return c + fmt.Sprint(check)
}

// edition creates a published edition from a preset in year, changed by edit.
func (e *env) edition(preset string, year int, edit func(in *budget.EditionInput)) *budget.Edition {
	e.t.Helper()
	in, ok := budget.Preset(preset, year)
	if !ok {
		e.t.Fatalf("no preset %s", preset)
	}
	in.Published = true
	if edit != nil {
		edit(&in)
	}
	ed, err := e.s.CreateEdition(e.ctx, e.admin, in)
	if err != nil {
		e.t.Fatalf("create edition: %v", err)
	}
	return ed
}

// propose files a valid proposal in the area at index area.
func (e *env) propose(ed *budget.Edition, u *identity.User, area int, title string, cost int64) *budget.Proposal {
	e.t.Helper()
	p, err := e.s.Propose(e.ctx, u, ed.ID, budget.ProposalInput{Title: title,
		Description: "O descriere suficient de lungă a propunerii, cu locul și folosul ei.",
		Area:        fmt.Sprint(ed.Areas[area].ID), Address: "Strada Horea 12", Cost: fmt.Sprint(cost), Tie: "live", Declared: true}, e.base, "ro")
	if err != nil {
		e.t.Fatalf("propose %q: %v", title, err)
	}
	return p
}

// eligible marks proposals eligible as the commission.
func (e *env) eligible(ps ...*budget.Proposal) {
	e.t.Helper()
	for _, p := range ps {
		if err := e.s.Review(e.ctx, e.comm, p.ID, budget.Review{Eligible: true, Reason: "Îndeplinește toate criteriile."}, e.base); err != nil {
			e.t.Fatalf("review %d: %v", p.ID, err)
		}
	}
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.Read().QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// consistent checks the registry's numbering and the audit chain.
func (e *env) consistent() {
	e.t.Helper()
	if problems, err := registry.Verify(e.ctx, e.db.Read()); err != nil || len(problems) > 0 {
		e.t.Fatalf("registry: %v %v", problems, err)
	}
	if _, broken, err := audit.Verify(e.ctx, e.db); err != nil || broken != nil {
		e.t.Fatalf("audit: %v %v", broken, err)
	}
}

// refusedWith asserts err is a *budget.Refused with code.
func refusedWith(t *testing.T, err error, code string) {
	t.Helper()
	var r *budget.Refused
	if !errors.As(err, &r) || r.Code != code {
		t.Fatalf("got %v, want refusal %q", err, code)
	}
	if msg := r.Message("ro"); msg == "" || msg == "budget.refused."+code {
		t.Fatalf("refusal %q has no Romanian text", code)
	}
}

// invalidWith asserts err is *budget.InvalidInput with field's code, translated.
func invalidWith(t *testing.T, err error, field, code string) {
	t.Helper()
	var inv *budget.InvalidInput
	if !errors.As(err, &inv) || !inv.Has(field, code) {
		t.Fatalf("got %v, want %s: %s", err, field, code)
	}
	for _, fe := range inv.Errors {
		for _, lang := range []string{"ro", "en", "hu"} {
			if msg := fe.Message(lang); msg == "" || msg == "budget.error."+fe.Code {
				t.Fatalf("error %s has no %s text", fe.Code, lang)
			}
		}
	}
}
