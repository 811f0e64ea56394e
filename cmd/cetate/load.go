package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/loadtest"
	"github.com/cetate/cetate/internal/server"
)

// cmdLoad starts Cetate in this process on a free loopback port, creates citizens,
// files --requests petitions with --clients concurrent clients, and prints the
// filing rate, latency percentiles and memory, beside the bare insert-and-commit
// rate of the same database.
func cmdLoad(ctx context.Context, args []string, stdout io.Writer) error {
	var clients, total, bare int
	var cpuProfile string
	a, err := openApp(ctx, "load", args, func(fs *flagSet) {
		fs.IntVar(&clients, "clients", 64, "concurrent clients")
		fs.IntVar(&total, "requests", 20000, "requests to file")
		fs.IntVar(&bare, "bare", 20000, "bare insert-and-commit transactions to time (0 to skip)")
		fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the filing run to this file")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if clients < 1 || total < 1 {
		return &exitError{2, "cetate load: --clients and --requests must be positive"}
	}
	users := min(clients, 64)
	tokens := make([]string, users)
	suffix := time.Now().UnixNano()
	for i := range tokens {
		u, err := identity.CreateUser(ctx, a.DB, identity.NewUser{Email: fmt.Sprintf("load-%d-%d@example.ro", suffix, i),
			Password: "Parola-Lunga-2026!", Role: identity.Citizen, Name: "Ion Popescu"}, 0)
		if err != nil {
			return err
		}
		if tokens[i], err = identity.CreateToken(ctx, a.DB, u.ID, time.Hour); err != nil {
			return err
		}
	}
	srvCtx, stop := context.WithCancel(ctx)
	defer stop()
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		errc <- server.Serve(srvCtx, a, "127.0.0.1:0", server.Options{}, quiet, func(ad net.Addr) { addrc <- ad })
	}()
	var base string
	select {
	case ad := <-addrc:
		base = "http://" + ad.String()
	case err := <-errc:
		return err
	}
	idle, _ := loadtest.RSS()
	if bare > 0 {
		rate, err := loadtest.BareInserts(ctx, a.DB, clients, bare)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "bare insert-and-commit (%s, %d clients): %.0f transactions/s\n", a.DB.Dialect(), clients, rate)
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	res := loadtest.File(ctx, base, tokens, clients, total, loadtest.PetitionBody)
	now, peak := loadtest.RSS()
	stop()
	if err := <-errc; err != nil {
		return err
	}
	fmt.Fprintf(stdout, "filing (%s, %d clients): %s\n", a.DB.Dialect(), clients, res)
	fmt.Fprintf(stdout, "resident memory: %d MiB idle (server started), %d MiB after the load, %d MiB peak\n", idle>>20, now>>20, peak>>20)
	if res.Failed > 0 {
		return &exitError{1, "cetate load: first failure: " + res.FirstError}
	}
	return nil
}

// cmdLoadPages loads the portal's pages of a running Cetate at a fixed rate and prints
// the latency percentiles per path set.
func cmdLoadPages(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("load pages")
	base := fs.String("url", "http://127.0.0.1:8080", "address of a running cetate serve")
	rate := fs.Int("rate", 500, "requests per second")
	duration := fs.Duration("duration", 20*time.Second, "how long")
	paths := fs.String("paths", "/,/cautare?q=buletin,/cautare?q=autorizatie+de+constructie,/servicii/petitie,/servicii/certificat-urbanism,/urmarire,/servicii",
		"comma-separated paths, requested in turn")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *rate < 1 || *duration <= 0 {
		return &exitError{2, "cetate load pages: --rate and --duration must be positive"}
	}
	list := strings.Split(*paths, ",")
	res := loadtest.Pages(ctx, strings.TrimRight(*base, "/"), list, *rate, *duration)
	fmt.Fprintf(stdout, "pages at %d/s for %s over %d paths: %d ok, %d failed; p50 %s, p90 %s, p99 %s, max %s\n",
		*rate, *duration, len(list), res.Acked, res.Failed, res.Percentile(50).Round(10*time.Microsecond),
		res.Percentile(90).Round(10*time.Microsecond), res.Percentile(99).Round(10*time.Microsecond), res.Percentile(100).Round(10*time.Microsecond))
	if res.Failed > 0 {
		return &exitError{1, "cetate load pages: first failure: " + res.FirstError}
	}
	return nil
}
