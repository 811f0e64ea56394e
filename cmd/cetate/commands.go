package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"flag"
	catalogfiles "github.com/cetate/cetate/catalog"
	"github.com/cetate/cetate/demo"
	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/config"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/server"
	"github.com/cetate/cetate/internal/sources"
)

// openApp parses the data flags and opens (and migrates) the application.
func openApp(ctx context.Context, name string, args []string, extra func(fs *flagSet)) (*app.App, error) {
	var cfg config.Config
	fs := newFlags(name)
	cfg.DataFlags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, &exitError{2, fmt.Sprintf("cetate %s: unexpected argument %q", name, fs.Arg(0))}
	}
	return app.Open(ctx, cfg)
}

func cmdServe(ctx context.Context, args []string, _ io.Writer) error {
	var cfg config.Config
	fs := newFlags("serve")
	cfg.DataFlags(fs)
	cfg.ServeFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// A city hall's server has memory to spare and pages to render: collect
		// garbage less often (the live heap is a few tens of MiB) for steadier latency.
		debug.SetGCPercent(400)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	log := logger()
	smtp, err := notify.SMTPConfigFromEnv()
	if err != nil {
		return &exitError{2, "cetate serve: " + err.Error()}
	}
	if smtp.Addr != "" {
		mailer, err := notify.NewSMTPMailer(smtp)
		if err != nil {
			return &exitError{2, "cetate serve: " + err.Error()}
		}
		go notify.NewDeliverer(a.DB, mailer, log).Run(ctx)
	} else {
		log.Warn("e-mail is off: set CETATE_SMTP_ADDR and CETATE_SMTP_FROM to send confirmations and links")
	}
	go a.Clerk.Run(ctx)
	return server.Serve(ctx, a, cfg.Addr, server.Options{SecureCookies: cfg.SecureCookies(), BaseURL: cfg.BaseURL}, log, func(net.Addr) {})
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	a, err := openApp(ctx, "migrate", args, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	v, err := a.DB.MigrationVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s at schema version %d\n", a.DB.Dialect(), v)
	return nil
}

func cmdHolidays(_ context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("calendar holidays")
	year := fs.Int("year", time.Now().Year(), "year, 1990–2100")
	names := fs.Bool("names", false, "print the holiday names after each date")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *year < calendar.FirstYear || *year > calendar.LastYear {
		return &exitError{2, fmt.Sprintf("cetate calendar holidays: --year must be between %d and %d", calendar.FirstYear, calendar.LastYear)}
	}
	for _, h := range calendar.Holidays(*year) {
		if *names {
			fmt.Fprintf(stdout, "%s\t%s\n", calendar.FormatDate(h.Date), joinNames(h.Names))
		} else {
			fmt.Fprintln(stdout, calendar.FormatDate(h.Date))
		}
	}
	return nil
}

func joinNames(n []string) string {
	s := ""
	for i, x := range n {
		if i > 0 {
			s += "; "
		}
		s += x
	}
	return s
}

func cmdDeadline(_ context.Context, args []string, stdout io.Writer) error {
	var cfg config.Config
	fs := newFlags("calendar deadline")
	from := fs.String("from", "", "registration date, YYYY-MM-DD")
	days := fs.Int("days", 30, "length of the term")
	working := fs.Bool("working", false, "the term is in working days (default: calendar days, zile libere)")
	closed := fs.String("closed", "", "extra closed days of the institution, comma-separated YYYY-MM-DD (env CETATE_CLOSED_DAYS)")
	if err := parse(fs, args); err != nil {
		return err
	}
	start, err := calendar.ParseDate(*from)
	if err != nil {
		return &exitError{2, "cetate calendar deadline: --from must be a date YYYY-MM-DD"}
	}
	if *days < 0 || *days > 3650 {
		return &exitError{2, "cetate calendar deadline: --days must be between 0 and 3650"}
	}
	cfg.ClosedDays = *closed
	if cfg.ClosedDays == "" {
		var tmp config.Config
		tmp.DataFlags(newFlags("x"))
		cfg.ClosedDays = tmp.ClosedDays
	}
	cal, err := cfg.Calendar()
	if err != nil {
		return &exitError{2, "cetate calendar deadline: " + err.Error()}
	}
	fmt.Fprintln(stdout, calendar.FormatDate(cal.Deadline(start, calendar.Term{Days: *days, Working: *working})))
	return nil
}

func cmdCatalogValidate(_ context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("catalog validate")
	if err := parse(fs, args); err != nil {
		return err
	}
	var problems []catalog.Problem
	what := "built-in catalogue"
	switch fs.NArg() {
	case 0:
		problems = catalog.Validate(catalogfiles.Files)
	case 1:
		what = fs.Arg(0)
		problems = catalog.ValidateDir(fs.Arg(0))
	default:
		return &exitError{2, "cetate catalog validate: at most one folder"}
	}
	if len(problems) > 0 {
		msg := ""
		for _, p := range problems {
			msg += p.String() + "\n"
		}
		return &exitError{1, msg + fmt.Sprintf("%d problem(s) in %s", len(problems), what)}
	}
	fmt.Fprintf(stdout, "%s: ok\n", what)
	return nil
}

func cmdRegistryVerify(ctx context.Context, args []string, stdout io.Writer) error {
	a, err := openApp(ctx, "registry verify", args, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	problems, err := registry.Verify(ctx, a.DB.Read())
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		msg := ""
		for _, p := range problems {
			msg += p.String() + "\n"
		}
		return &exitError{1, msg + fmt.Sprintf("registry verify: %d problem(s)", len(problems))}
	}
	fmt.Fprintln(stdout, "registry verify: every register and year numbered 1..N without gaps or duplicates")
	return nil
}

func cmdAuditVerify(ctx context.Context, args []string, stdout io.Writer) error {
	a, err := openApp(ctx, "audit verify", args, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	n, broken, err := audit.Verify(ctx, a.DB)
	if err != nil {
		return err
	}
	if broken != nil {
		return &exitError{1, "audit verify: " + broken.Error()}
	}
	fmt.Fprintf(stdout, "audit verify: %d rows, chain intact\n", n)
	return nil
}

func cmdUserCreate(ctx context.Context, args []string, stdout io.Writer) error {
	var nu identity.NewUser
	var role string
	a, err := openApp(ctx, "user create", args, func(fs *flagSet) {
		fs.StringVar(&nu.Email, "email", "", "e-mail address (the login)")
		fs.StringVar(&nu.Password, "password", "", "password, at least 10 characters")
		fs.StringVar(&role, "role", "citizen", "citizen, clerk, worker, head or admin")
		fs.StringVar(&nu.Department, "department", "", "department code (workers and heads; see GET /api/v1/services)")
		fs.StringVar(&nu.Name, "name", "", "full name")
		fs.StringVar(&nu.CNP, "cnp", "", "CNP, recorded as verified at the counter or by eID")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := identity.ParseRole(role)
	if err != nil {
		return &exitError{2, "cetate user create: " + err.Error()}
	}
	nu.Role = r
	nu.EmailVerified = true // made by an administrator at the command line
	if nu.Department != "" {
		if _, ok := a.Catalog.Department(nu.Department); !ok {
			return &exitError{2, fmt.Sprintf("cetate user create: unknown department %q", nu.Department)}
		}
	}
	u, err := identity.CreateUser(ctx, a.DB, nu, 0)
	if err != nil {
		return &exitError{1, "cetate user create: " + err.Error()}
	}
	fmt.Fprintf(stdout, "created %s account %d for %s\n", u.Role, u.ID, u.Email)
	return nil
}

func cmdTokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	var email string
	var ttl time.Duration
	a, err := openApp(ctx, "token create", args, func(fs *flagSet) {
		fs.StringVar(&email, "email", "", "the account's e-mail")
		fs.DurationVar(&ttl, "ttl", 0, "lifetime, e.g. 720h; 0 for no expiry")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := identity.UserByEmail(ctx, a.DB.Read(), email)
	if err != nil {
		return &exitError{1, fmt.Sprintf("cetate token create: no account with e-mail %q", email)}
	}
	token, err := identity.CreateToken(ctx, a.DB, u.ID, ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}

// cmdDemo loads the demonstration registers and accounts into the database.
func cmdDemo(ctx context.Context, args []string, stdout io.Writer) error {
	a, err := openApp(ctx, "demo", args, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := demo.Load(ctx, a.DB)
	if err != nil {
		return &exitError{1, "cetate demo: " + err.Error()}
	}
	for _, name := range demo.Registers() {
		fmt.Fprintf(stdout, "register %-24s %d rows\n", name, res.Imported[name])
	}
	for _, email := range res.Created {
		fmt.Fprintf(stdout, "account  %s\n", email)
	}
	fmt.Fprintf(stdout, "every demo account's password is %s\n", demo.Password)
	return nil
}

type flagSet = flag.FlagSet

// cmdSourceImport replaces a register (e.g. tax-roll) with a CSV file. The flags
// come right after the words: cetate source import --data DIR tax-roll roll.csv.
func cmdSourceImport(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg config.Config
	fs := newFlags("source import")
	cfg.DataFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return &exitError{2, "usage: cetate source import [--data DIR | --db URL] NAME FILE.csv (NAME: " + strings.Join(sources.Names, ", ") + ")"}
	}
	name, path := fs.Arg(0), fs.Arg(1)
	f, err := os.Open(path)
	if err != nil {
		return &exitError{1, "cetate source import: " + err.Error()}
	}
	defer f.Close()
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := sources.Import(ctx, a.DB, name, f)
	if err != nil {
		return &exitError{1, fmt.Sprintf("cetate source import %s: %s: %v (nothing was changed)", name, path, err)}
	}
	fmt.Fprintf(stdout, "%s: imported %d rows from %s\n", name, n, path)
	return nil
}

// cmdKeysInit writes a self-signed development certificate for signing documents.
// Production uses the institution's qualified certificate instead (CETATE_SIGNING_KEY).
func cmdKeysInit(_ context.Context, args []string, stdout io.Writer) error {
	var cfg config.Config
	fs := newFlags("keys init")
	cfg.DataFlags(fs)
	name := fs.String("name", "", "certificate name (default: the institution's name, marked as development)")
	if err := parse(fs, args); err != nil {
		return err
	}
	inst, err := cfg.RegistryInstitution()
	if err != nil {
		return &exitError{2, "cetate keys init: " + err.Error()}
	}
	if *name == "" {
		*name = inst.Name + " (dezvoltare)"
	}
	path := cfg.SigningKeyPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	if err := documents.InitDevKeys(path, cfg.SigningPassword, *name); err != nil {
		return &exitError{1, "cetate keys init: " + err.Error()}
	}
	fmt.Fprintf(stdout, "wrote a development signing certificate for %q to %s\n", *name, path)
	return nil
}
