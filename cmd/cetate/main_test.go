package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/store"
)

func runCLI(args ...string) (string, error) {
	var out bytes.Buffer
	err := run(context.Background(), args, &out)
	return out.String(), err
}

func TestCalendarCommands(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--from", "2025-11-28", "--days", "30"}, "2025-12-29"},
		{[]string{"--from", "2025-12-01", "--days", "10"}, "2025-12-12"},
		{[]string{"--from", "2026-03-13", "--days", "30"}, "2026-04-14"},
		{[]string{"--from", "2025-12-01", "--days", "30", "--working"}, "2026-01-20"},
		{[]string{"--from", "2026-12-21", "--days", "2", "--working", "--closed", "2026-12-23"}, "2026-12-24"},
	}
	for _, c := range cases {
		out, err := runCLI(append([]string{"calendar", "deadline"}, c.args...)...)
		if err != nil || strings.TrimSpace(out) != c.want {
			t.Errorf("calendar deadline %v = %q, %v; want %s", c.args, out, err, c.want)
		}
	}
	out, err := runCLI("calendar", "holidays", "--year", "2026")
	if err != nil {
		t.Fatal(err)
	}
	days := strings.Fields(out)
	if strings.Count(out, "2026-06-01") != 1 || !strings.Contains(out, "2026-01-07") || !strings.Contains(out, "2026-04-10") {
		t.Fatalf("holidays 2026: %v", days)
	}
	for i := 1; i < len(days); i++ {
		if days[i] <= days[i-1] {
			t.Fatalf("not sorted or repeated: %v", days)
		}
	}
	out, _ = runCLI("calendar", "holidays", "--year", "2023")
	if strings.Contains(out, "2023-01-06") {
		t.Fatal("6 January is a holiday only from 2024")
	}
	for _, bad := range [][]string{{"calendar", "deadline", "--from", "2025-02-30"}, {"calendar", "holidays", "--year", "1800"}, {"nonsense"}} {
		var ee *exitError
		if _, err := runCLI(bad...); !errors.As(err, &ee) || ee.code == 0 {
			t.Errorf("%v: want a non-zero exit, got %v", bad, err)
		}
	}
}

func TestCatalogValidateCommand(t *testing.T) {
	if out, err := runCLI("catalog", "validate"); err != nil {
		t.Fatalf("built-in catalogue: %v %s", err, out)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "rau.yaml"), []byte("code: Rău\nname: {ro: x}\n"), 0o644)
	_, err := runCLI("catalog", "validate", dir)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code == 0 || !strings.Contains(ee.msg, "rau.yaml:") {
		t.Fatalf("broken folder: %v", err)
	}
}

func TestUserTokenAndVerifyCommands(t *testing.T) {
	data := t.TempDir()
	if _, err := runCLI("user", "create", "--data", data, "--email", "a@example.ro", "--password", "Parola-Lunga-2026!", "--role", "citizen", "--name", "Ion Popescu"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI("user", "create", "--data", data, "--email", "w@example.ro", "--password", "Parola-Lunga-2026!", "--role", "worker", "--department", "nu-exista"); err == nil {
		t.Fatal("unknown department accepted")
	}
	if _, err := runCLI("user", "create", "--data", data, "--email", "a@example.ro", "--password", "Parola-Lunga-2026!", "--role", "citizen"); err == nil {
		t.Fatal("duplicate e-mail accepted")
	}
	if _, err := runCLI("user", "create", "--data", data, "--email", "c@example.ro", "--password", "Parola-Lunga-2026!", "--cnp", "1920822296091"); err == nil {
		t.Fatal("bad CNP accepted")
	}
	out, err := runCLI("token", "create", "--data", data, "--email", "a@example.ro")
	if err != nil || !strings.HasPrefix(strings.TrimSpace(out), "cet_") {
		t.Fatalf("token: %q %v", out, err)
	}
	for _, c := range [][]string{{"registry", "verify", "--data", data}, {"audit", "verify", "--data", data}, {"migrate", "--data", data}} {
		if out, err := runCLI(c...); err != nil {
			t.Fatalf("%v: %v %s", c, err, out)
		}
	}
}

// The verify commands exit non-zero and name the register and year, or the audit
// row, where the database was tampered with.
func TestVerifyCommandsFindTampering(t *testing.T) {
	data := t.TempDir()
	if _, err := runCLI("user", "create", "--data", data, "--email", "a@example.ro", "--password", "Parola-Lunga-2026!"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI("token", "create", "--data", data, "--email", "a@example.ro"); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), "", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO register_counters (register, year, last_seq) VALUES ('general', 2026, 3)`,
		`INSERT INTO registry_entries (register, year, seq, number, direction, registered_at, department, subject) VALUES ('general', 2026, 1, '1/101/02.01.2026', 'in', 1, 'x', 'x')`,
		`INSERT INTO registry_entries (register, year, seq, number, direction, registered_at, department, subject) VALUES ('general', 2026, 3, '3/101/02.01.2026', 'in', 1, 'x', 'x')`,
		`DROP TRIGGER audit_log_no_update`,
		`UPDATE audit_log SET detail = 'role=admin' WHERE seq = 1`,
	} {
		if _, err := db.Write().ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	var ee *exitError
	_, err = runCLI("registry", "verify", "--data", data)
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, "register general, year 2026: gap: numbers 2 to 2") {
		t.Fatalf("registry verify: %v", err)
	}
	_, err = runCLI("audit", "verify", "--data", data)
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, "audit row 1:") || !strings.Contains(ee.msg, "changed") {
		t.Fatalf("audit verify: %v", err)
	}
}

func TestSourceImportCommand(t *testing.T) {
	data := t.TempDir()
	good := filepath.Join(t.TempDir(), "roll.csv")
	os.WriteFile(good, []byte("identifier,name,address,debt_lei\n1920822296090,Ion Popescu,Str. Horea 12,0\n18547290,SC Exemplu SRL,Bd. Eroilor 1,125.50\n"), 0o644)
	out, err := runCLI("source", "import", "--data", data, "tax-roll", good)
	if err != nil || !strings.Contains(out, "imported 2 rows") {
		t.Fatalf("import: %q %v", out, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("identifier,name,address,debt_lei\n1920822296091,X,Y,0\n"), 0o644)
	var ee *exitError
	if _, err := runCLI("source", "import", "--data", data, "tax-roll", bad); !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, "line 2") {
		t.Fatalf("bad file: %v", err)
	}
	if _, err := runCLI("source", "import", "--data", data, "nu-exista", good); err == nil {
		t.Fatal("unknown source accepted")
	}
	if _, err := runCLI("source", "import", "--data", data, "tax-roll"); !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("missing file argument: %v", err)
	}
}
