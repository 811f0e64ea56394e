// Command cetate runs the digital city hall and its maintenance tasks. Each
// subcommand parses its flags and calls the domains; no logic lives here.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// exitError carries an exit status without printing usage.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

type command struct {
	words []string
	help  string
	run   func(ctx context.Context, args []string, stdout io.Writer) error
}

var commands = []command{
	{[]string{"serve"}, "run the portal, back office and API", cmdServe},
	{[]string{"migrate"}, "apply database migrations", cmdMigrate},
	{[]string{"calendar", "holidays"}, "print the legal holidays of a year (--year)", cmdHolidays},
	{[]string{"calendar", "deadline"}, "print a legal deadline (--from DATE --days N [--working])", cmdDeadline},
	{[]string{"catalog", "validate"}, "check service definitions ([DIR]; default: the built-in catalogue)", cmdCatalogValidate},
	{[]string{"registry", "verify"}, "check that registry numbers have no gap or duplicate", cmdRegistryVerify},
	{[]string{"audit", "verify"}, "check the audit log's hash chain", cmdAuditVerify},
	{[]string{"user", "create"}, "create an account", cmdUserCreate},
	{[]string{"source", "import"}, "replace a register the virtual civil servant reads from a CSV file: source import NAME FILE.csv (tax-roll, streets, zoning, …)", cmdSourceImport},
	{[]string{"demo"}, "load demonstration registers and accounts (Cluj-Napoca) to try Cetate", cmdDemo},
	{[]string{"keys", "init"}, "create a self-signed development signing certificate (PKCS#12) for issued documents", cmdKeysInit},
	{[]string{"token", "create"}, "print a new API bearer token for an account (--email)", cmdTokenCreate},
	{[]string{"load", "pages"}, "request portal pages of a running cetate at a fixed rate (--url --rate --duration)", cmdLoadPages},
	{[]string{"load"}, "file requests with many concurrent clients and report rate and latency", cmdLoad},
	{[]string{"pb"}, "count a participatory budgeting vote: pb tally --rule RULE [--format json] FILE.pb", cmdPb},
	{[]string{"version"}, "print the version", cmdVersion},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout)
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintln(os.Stderr, ee.msg)
		}
		os.Exit(ee.code)
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "cetate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	for _, c := range commands {
		if len(args) >= len(c.words) && strings.Join(args[:len(c.words)], " ") == strings.Join(c.words, " ") {
			return c.run(ctx, args[len(c.words):], stdout)
		}
	}
	var b strings.Builder
	b.WriteString("usage: cetate COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-20s %s\n", strings.Join(c.words, " "), c.help)
	}
	b.WriteString("\nRun 'cetate COMMAND -h' for the flags of a command.")
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, b.String())
		return nil
	}
	return &exitError{2, fmt.Sprintf("cetate: unknown command %q\n\n%s", strings.Join(args, " "), b.String())}
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("cetate "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{2, ""}
	}
	return nil
}

func logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func cmdVersion(_ context.Context, _ []string, stdout io.Writer) error {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	fmt.Fprintln(stdout, "cetate", v)
	return nil
}
