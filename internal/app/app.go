// Package app assembles Cetate's domains from a Config: it opens and migrates the
// database, loads the catalogue and builds the registry, calendar and case service.
// The server and the command line both start from here.
package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/config"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// App holds the domains of one running Cetate.
type App struct {
	Config config.Config
	DB     *store.DB
	// Catalog is the service catalogue with the administrators' overrides applied;
	// ReloadCatalog swaps in a new one while serving.
	Catalog  *catalog.Live
	Calendar *calendar.Calendar
	Registry *registry.Registry
	Cases    *cases.Cases
	// Clerk is the virtual civil servant; serve runs it (Clerk.Run).
	Clerk *clerk.Worker
	// Budget runs participatory budgeting.
	Budget *budget.Service
	finder atomic.Pointer[clerk.Finder]
}

// Finder returns the service finder over the catalogue in force.
func (a *App) Finder() *clerk.Finder { return a.finder.Load() }

// ReloadCatalog reads the administrators' overrides (enabled, disabled, edited texts)
// and puts the resulting catalogue, and a finder over it, in force everywhere at once.
func (a *App) ReloadCatalog(ctx context.Context) error {
	overrides, err := catalog.LoadOverrides(ctx, a.DB.Read())
	if err != nil {
		return fmt.Errorf("service overrides: %w", err)
	}
	a.finder.Store(clerk.NewFinder(a.Catalog.Apply(overrides)))
	return nil
}

// Open opens the database, migrates it and loads everything else.
func Open(ctx context.Context, cfg config.Config) (*App, error) {
	cat, err := catalog.Load(cfg.CatalogDir)
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	cal, err := cfg.Calendar()
	if err != nil {
		return nil, err
	}
	inst, err := cfg.RegistryInstitution()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	reg := registry.New(inst)
	live := catalog.NewLive(cat)
	a := &App{Config: cfg, DB: db, Catalog: live, Calendar: cal, Registry: reg, Cases: cases.New(db, live, cal, reg)}
	if err := a.ReloadCatalog(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if a.Clerk, err = clerk.NewWorker(db, a.Cases, live, nil); err != nil {
		db.Close()
		return nil, err
	}
	signer, err := loadSigner(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Clerk.Issuer = &clerk.Issuer{Signer: signer, BaseURL: cfg.BaseURL, Institution: inst.Name}
	if a.Budget, err = openBudget(cfg, db, reg, live); err != nil {
		db.Close()
		return nil, err
	}
	a.Clerk.Finder = a.Finder
	return a, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// openBudget starts participatory budgeting with the key that keeps one ballot per
// CNP, kept beside the signing key in the data folder (made on first use).
func openBudget(cfg config.Config, db *store.DB, reg *registry.Registry, live *catalog.Live) (*budget.Service, error) {
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	key, err := budget.LoadKey(filepath.Join(dir, "budget-voters.key"))
	if err != nil {
		return nil, fmt.Errorf("participatory budgeting key: %w", err)
	}
	compartment := ""
	if d, ok := live.Department(budget.Department); ok {
		compartment = d.Compartment
	}
	return budget.New(db, reg, key, compartment), nil
}

// loadSigner opens the institution's signing key. Without one configured, a
// development key is made in the data folder on first use, so that Cetate runs
// out of the box; a city sets CETATE_SIGNING_KEY to its qualified certificate.
func loadSigner(cfg config.Config) (*documents.Signer, error) {
	path := cfg.SigningKeyPath()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && cfg.SigningKey == "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, err
		}
		inst, _ := cfg.RegistryInstitution()
		if err := documents.InitDevKeys(path, cfg.SigningPassword, inst.Name+" (dezvoltare)"); err != nil {
			return nil, fmt.Errorf("development signing key: %w", err)
		}
	}
	s, err := documents.LoadSigner(path, cfg.SigningPassword)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	return s, nil
}
