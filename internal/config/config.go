// Package config turns flags and environment variables into one Config value.
// A flag wins over its environment variable, which wins over the default.
package config

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/registry"
)

// Config is everything Cetate reads at start.
type Config struct {
	Addr        string // CETATE_ADDR, --addr
	DataDir     string // CETATE_DATA, --data
	DatabaseURL string // CETATE_DB, --db: empty means SQLite in DataDir
	Institution string // CETATE_INSTITUTION, --institution: cluj-napoca or timisoara
	CatalogDir  string // CETATE_CATALOG_DIR, --catalog: services that add to or override the embedded ones
	ClosedDays  string // CETATE_CLOSED_DAYS: comma-separated YYYY-MM-DD days the institution is closed
	MaxUploadMB int    // CETATE_MAX_UPLOAD_MB: largest request body with files
	BaseURL     string // CETATE_BASE_URL: the public address, for links in e-mails
	// SigningKey is the PKCS#12 file with the institution's signing key and
	// certificate (CETATE_SIGNING_KEY, default DATA/signing.p12, made by `cetate keys
	// init`); SigningPassword opens it (CETATE_SIGNING_PASSWORD).
	SigningKey, SigningPassword string
}

// SigningKeyPath is where the signing key is: CETATE_SIGNING_KEY or DATA/signing.p12.
func (c *Config) SigningKeyPath() string {
	if c.SigningKey != "" {
		return c.SigningKey
	}
	return filepath.Join(c.DataDir, "signing.p12")
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// DataFlags registers --data, --db, --institution and --catalog on fs, bound to c.
// Every subcommand that touches data calls it, so they all take the same flags.
func (c *Config) DataFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", env("CETATE_DATA", "data"), "data folder for the embedded SQLite database (env CETATE_DATA)")
	fs.StringVar(&c.DatabaseURL, "db", env("CETATE_DB", ""), "database URL, e.g. postgres://user:pass@host/db; empty for SQLite in the data folder (env CETATE_DB)")
	fs.StringVar(&c.Institution, "institution", env("CETATE_INSTITUTION", "cluj-napoca"), "registry numbering: cluj-napoca or timisoara (env CETATE_INSTITUTION)")
	fs.StringVar(&c.CatalogDir, "catalog", env("CETATE_CATALOG_DIR", ""), "folder of service YAML files that add to or override the built-in catalogue (env CETATE_CATALOG_DIR)")
	c.ClosedDays = env("CETATE_CLOSED_DAYS", "")
	c.SigningKey = env("CETATE_SIGNING_KEY", "")
	c.SigningPassword = env("CETATE_SIGNING_PASSWORD", "cetate-dev")
	c.MaxUploadMB = 25
	if v := env("CETATE_MAX_UPLOAD_MB", ""); v != "" {
		fmt.Sscanf(v, "%d", &c.MaxUploadMB)
	}
}

// ServeFlags registers --addr on fs.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", env("CETATE_ADDR", "127.0.0.1:8080"), "address to listen on (env CETATE_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", env("CETATE_BASE_URL", ""), "public address, e.g. https://portal.example.ro (env CETATE_BASE_URL)")
}

// SecureCookies reports whether cookies must be marked Secure: always, unless the
// public address is plain http (or unset) and Cetate listens on a loopback address,
// which is local development.
func (c *Config) SecureCookies() bool {
	if strings.HasPrefix(c.BaseURL, "https://") {
		return true
	}
	host := c.Addr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	local := host == "127.0.0.1" || host == "localhost" || host == "[::1]"
	return !(local && (c.BaseURL == "" || strings.HasPrefix(c.BaseURL, "http://")))
}

// RegistryInstitution returns the registry set-up named by Institution.
func (c *Config) RegistryInstitution() (registry.Institution, error) {
	inst, ok := registry.Institutions[c.Institution]
	if !ok {
		return registry.Institution{}, fmt.Errorf("unknown institution %q (cluj-napoca or timisoara)", c.Institution)
	}
	return inst, nil
}

// Calendar returns the institution's calendar: legal holidays plus its closed days.
func (c *Config) Calendar() (*calendar.Calendar, error) {
	var days []time.Time
	for _, s := range strings.Split(c.ClosedDays, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		d, err := calendar.ParseDate(s)
		if err != nil {
			return nil, fmt.Errorf("CETATE_CLOSED_DAYS: %q is not a YYYY-MM-DD date", s)
		}
		days = append(days, d)
	}
	return calendar.New(days...), nil
}
