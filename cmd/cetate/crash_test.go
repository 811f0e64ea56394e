package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/loadtest"
	"github.com/cetate/cetate/internal/testenv"
)

// buildBinary builds cetate once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cetate")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startServer(t *testing.T, bin string, dbFlags []string, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, append(append([]string{"serve"}, dbFlags...), "--addr", addr)...)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; i < 200; i++ {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server did not answer /healthz")
	return nil
}

func cli(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("cetate %s: %v %s", strings.Join(args, " "), err, stderr)
	}
	return strings.TrimSpace(string(out))
}

// The server is killed with SIGKILL in the middle of a load and restarted: every
// request that got a 201 is there with its number, and the registry and the audit
// chain verify clean.
func TestKillDuringLoadLosesNothingAcknowledged(t *testing.T) {
	bin := buildBinary(t)
	for _, k := range []testenv.Kind{testenv.SQLite, testenv.Postgres} {
		t.Run(string(k), func(t *testing.T) {
			dbFlags := []string{"--data", t.TempDir()}
			if k == testenv.Postgres {
				dbFlags = []string{"--db", testenv.URL(t, k)}
			}
			var tokens []string
			for i := 0; i < 4; i++ {
				email := fmt.Sprintf("crash%d@example.ro", i)
				cli(t, bin, append(append([]string{"user", "create"}, dbFlags...), "--email", email, "--password", "Parola-Lunga-2026!", "--role", "citizen", "--name", "Ion Popescu")...)
				tokens = append(tokens, lastLine(cli(t, bin, append(append([]string{"token", "create"}, dbFlags...), "--email", email)...)))
			}
			addr := freeAddr(t)
			srv := startServer(t, bin, dbFlags, addr)

			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan loadtest.Result)
			go func() { done <- loadtest.File(ctx, "http://"+addr, tokens, 64, 1_000_000, loadtest.PetitionBody) }()
			time.Sleep(1500 * time.Millisecond)
			if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			srv.Wait()
			time.Sleep(200 * time.Millisecond)
			cancel()
			res := <-done
			if res.Acked == 0 {
				t.Fatalf("no request was acknowledged before the kill: %s", res.FirstError)
			}
			if res.Failed == 0 {
				t.Fatalf("the kill did not interrupt the load (%d acknowledged)", res.Acked)
			}

			startServer(t, bin, dbFlags, addr)
			hc := &http.Client{Timeout: 10 * time.Second}
			for i, ack := range res.Acks {
				req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/api/v1/requests/%d", addr, ack.ID), nil)
				// Each ack was filed by the token of its client; any of the four may own it.
				found := false
				for _, tok := range tokens {
					req.Header.Set("Authorization", "Bearer "+tok)
					resp, err := hc.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					var got struct {
						Number string `json:"number"`
					}
					json.NewDecoder(resp.Body).Decode(&got)
					resp.Body.Close()
					if resp.StatusCode == 200 {
						if got.Number != ack.Number {
							t.Fatalf("request %d: number %q after restart, %q acknowledged", ack.ID, got.Number, ack.Number)
						}
						found = true
						break
					}
				}
				if !found {
					t.Fatalf("acknowledged request %d (%s) lost after SIGKILL (%d of %d checked)", ack.ID, ack.Number, i, len(res.Acks))
				}
			}
			t.Logf("%d acknowledged before SIGKILL, all found after restart", res.Acked)
			cli(t, bin, append([]string{"registry", "verify"}, dbFlags...)...)
			cli(t, bin, append([]string{"audit", "verify"}, dbFlags...)...)
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
