// Package demo holds demonstration data for Cluj-Napoca: the registers the virtual
// civil servant reads (sources/NAME.csv, one file per register of internal/sources)
// and a few accounts, so that a fresh Cetate can be tried at once. The people,
// numbers and debts are invented; the streets are real.
package demo

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
)

//go:embed sources/*.csv
var files embed.FS

// Password is the password of every demo account; it is printed by `cetate demo`.
const Password = "Cetate-Demo-2026"

// Accounts are the demo accounts: a citizen with a verified CNP who is in the demo
// registers, another citizen, a civil servant per busy department, a registry clerk
// and an administrator.
var Accounts = []identity.NewUser{
	{Email: "ion.popescu@example.ro", Name: "Ion Popescu", CNP: "1920822296090", Role: identity.Citizen},
	{Email: "maria.ionescu@example.ro", Name: "Maria Ionescu", CNP: "2850317125781", Role: identity.Citizen},
	{Email: "taxe@primaria.example.ro", Name: "Elena Mureșan", Role: identity.Worker, Department: "taxe-locale"},
	{Email: "urbanism@primaria.example.ro", Name: "Radu Crișan", Role: identity.Worker, Department: "urbanism"},
	{Email: "relatii@primaria.example.ro", Name: "Ioana Suciu", Role: identity.Worker, Department: "relatii-cetateni"},
	{Email: "registratura@primaria.example.ro", Name: "Gabriela Pop", Role: identity.Clerk},
	{Email: "admin@primaria.example.ro", Name: "Administrator Cetate", Role: identity.Admin},
}

// Registers lists the registers that have demo data, in import order.
func Registers() []string {
	entries, _ := fs.ReadDir(files, "sources")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".csv"))
	}
	slices.Sort(names)
	return names
}

// Result says what Load did.
type Result struct {
	Imported map[string]int // rows per register
	Created  []string       // e-mails of the accounts created
}

// Load imports every demo register (replacing what is there) and creates the demo
// accounts that do not exist yet.
func Load(ctx context.Context, db *store.DB) (Result, error) {
	res := Result{Imported: map[string]int{}}
	for _, name := range Registers() {
		f, err := files.Open(path.Join("sources", name+".csv"))
		if err != nil {
			return res, err
		}
		n, err := sources.Import(ctx, db, name, f)
		f.Close()
		if err != nil {
			return res, fmt.Errorf("demo register %s: %w", name, err)
		}
		res.Imported[name] = n
	}
	for _, nu := range Accounts {
		if _, err := identity.UserByEmail(ctx, db.Read(), nu.Email); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return res, err
		}
		nu.Password, nu.EmailVerified = Password, true
		if _, err := identity.CreateUser(ctx, db, nu, 0); err != nil {
			return res, fmt.Errorf("demo account %s: %w", nu.Email, err)
		}
		res.Created = append(res.Created, nu.Email)
	}
	return res, nil
}
