// Package app assembles Cetate's domains from a Config: it opens and migrates the
// database, loads the catalogue and builds the registry, calendar and case service.
// The server and the command line both start from here.
package app

import (
	"context"
	"fmt"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/config"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// App holds the domains of one running Cetate.
type App struct {
	Config   config.Config
	DB       *store.DB
	Catalog  *catalog.Catalog
	Calendar *calendar.Calendar
	Registry *registry.Registry
	Cases    *cases.Cases
	Finder   *clerk.Finder
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
	return &App{Config: cfg, DB: db, Catalog: cat, Calendar: cal, Registry: reg, Cases: cases.New(db, cat, cal, reg),
		Finder: clerk.NewFinder(cat)}, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }
