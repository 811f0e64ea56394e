// Package budget runs participatory budgeting: a city configures an edition
// (areas, budgets, who may take part, the counting rule, the calendar of phases),
// citizens propose projects (each a registered document), a commission checks them
// against published criteria and decides appeals, people vote (one ballot per CNP,
// replaceable until the vote closes, confirmed by a receipt), and the result is
// counted by budget/rules on a Pabulib instance built from the stored ballots, the
// same instance anyone can download and recount.
//
// Phases open and close by date, in Europe/Bucharest days: nothing needs to run
// for a phase to start or end.
package budget

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// Department is the department whose staff form the commission that checks
// proposals and decides appeals (with the administrators). In Cluj-Napoca the
// participatory budget is run by the Directorate-General for Communication, Local
// Development and Project Management.
const Department = "dezvoltare-locala"

// Register is the registry book proposals and appeals are numbered in.
const Register = "general"

// Service runs the use cases over one database.
type Service struct {
	db          *store.DB
	registry    *registry.Registry
	key         []byte // keys the CNP hashes of voters (see voterHash)
	compartment string // the commission's code in Cluj-style registry numbers
	now         func() time.Time

	mu      sync.Mutex
	results map[int64]*Results // counted editions whose results are final
}

// New returns the service. key keys the hashes that keep one ballot per CNP
// (LoadKey reads or makes it); compartment is the commission's code printed in
// registry numbers.
func New(db *store.DB, reg *registry.Registry, key []byte, compartment string) *Service {
	return &Service{db: db, registry: reg, key: key, compartment: compartment, now: time.Now, results: map[int64]*Results{}}
}

// SetClock replaces the clock that decides which phase is open (tests).
func (s *Service) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.results = map[int64]*Results{}
	s.mu.Unlock()
}

func (s *Service) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

// LoadKey reads the 32-byte key at path, making it (readable by the owner only)
// if there is none. The key must stay with the database: without it a person who
// voted could vote again. Several replicas share one file.
func LoadKey(path string) ([]byte, error) {
	if key, err := os.ReadFile(path); err == nil {
		if len(key) < 32 {
			return nil, fmt.Errorf("budget key %s: too short", path)
		}
		return key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadKey(path) // another process made it first
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

// IsCommission reports whether u checks proposals and decides appeals: an
// administrator, or a worker or head of Department.
func IsCommission(u *identity.User) bool {
	if u == nil {
		return false
	}
	return u.Role == identity.Admin || ((u.Role == identity.Worker || u.Role == identity.Head) && u.Department == Department)
}

// ErrForbidden means the user may not do this at all (not the commission, not an
// administrator, not the proposer).
var ErrForbidden = errors.New("budget: not allowed")

// FieldError is a problem with one field of a form: a stable code and its
// parameters, shown translated (budget.error.<code>).
type FieldError struct {
	Field  string
	Code   string
	Params map[string]any
}

// Message returns the error in lang.
func (e FieldError) Message(lang string) string {
	return i18n.T(lang, "budget.error."+e.Code, e.Params)
}

func (e FieldError) Error() string { return e.Field + ": " + e.Code }

// InvalidInput carries every field error of a form; nothing was stored.
type InvalidInput struct{ Errors []FieldError }

func (e *InvalidInput) Error() string {
	return fmt.Sprintf("budget: invalid input (%d errors)", len(e.Errors))
}

// Has reports whether field has an error with code (tests and callers).
func (e *InvalidInput) Has(field, code string) bool {
	for _, fe := range e.Errors {
		if fe.Field == field && fe.Code == code {
			return true
		}
	}
	return false
}

// Refused says why a person may not do something now (the phase is closed, they
// are too young, their identity is not verified); nothing changed. Message gives
// the reason in the person's language (budget.refused.<code>).
type Refused struct {
	Code   string
	Params map[string]any
}

func (e *Refused) Error() string { return "budget: refused: " + e.Code }

// Message returns the reason in lang.
func (e *Refused) Message(lang string) string {
	return i18n.T(lang, "budget.refused."+e.Code, e.Params)
}

// Personal reports whether the refusal is about who the person is (identity,
// age, the account), rather than about when they ask.
func (e *Refused) Personal() bool {
	switch e.Code {
	case "need_cnp", "too_young", "other_account", "not_proposer":
		return true
	}
	return false
}

func refused(code string, params ...any) *Refused {
	r := &Refused{Code: code}
	if len(params) > 1 {
		r.Params = map[string]any{}
		for i := 0; i+1 < len(params); i += 2 {
			r.Params[fmt.Sprint(params[i])] = params[i+1]
		}
	}
	return r
}

func nowMicro(t time.Time) int64 { return t.UTC().UnixMicro() }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
