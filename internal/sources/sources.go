// Package sources keeps the city's own registers that automated answers read —
// the local tax roll first — imported from CSV files exported by the systems that
// own them. An import replaces a register whole, in one transaction: a file with a
// single bad line changes nothing, and the error names the line.
package sources

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/store"
)

// A register is one kind of import: the CSV header it takes, how a row becomes
// the table's columns, and the table it replaces. Each register lives in its own
// file with its lookups.
type register struct {
	table   string
	header  []string
	columns []string // the table's columns, filled from parse's values in order
	// parse checks one row and returns the column values and the row's key; two rows
	// with the same key are refused.
	parse func(rec []string) (values []any, key string, err error)
}

// registers are the known imports, by name.
var registers = map[string]*register{
	"tax-roll":                taxRoll,
	"parking-zones":           parkingZones,
	"vehicles":                vehicles,
	"disability-certificates": disabilityCertificates,
	"meeting-slots":           meetingSlots,
	"streets":                 streetRegister,
	"zoning":                  zoningRegister,
	"agricultural-register":   agriculturalRegister,
	"building-permits":        buildingPermits,
}

// Names are the registers that can be imported, sorted.
var Names = func() []string {
	names := make([]string, 0, len(registers))
	for n := range registers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}()

// LineError says what is wrong on one line of an import file.
type LineError struct {
	Line   int
	Reason string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// ErrUnknownSource means the register name is not one of Names.
var ErrUnknownSource = errors.New("unknown source (known: " + strings.Join(Names, ", ") + ")")

// MaxImportBytes bounds an import file; a city's registers are far smaller.
const MaxImportBytes = 512 << 20

// maxRows bounds the rows of one import.
const maxRows = 5_000_000

// Import reads a CSV file for the register name and replaces the register with it.
// It returns the number of rows imported.
func Import(ctx context.Context, db *store.DB, name string, r io.Reader) (int, error) {
	reg, ok := registers[name]
	if !ok {
		return 0, ErrUnknownSource
	}
	h := sha256.New()
	rows, err := reg.read(io.TeeReader(io.LimitReader(r, MaxImportBytes+1), h))
	if err != nil {
		return 0, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	now := time.Now().UnixMicro()
	marks := make([]string, len(reg.columns)+1)
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	insert := fmt.Sprintf("INSERT INTO %s (%s, imported_at) VALUES (%s)", reg.table, strings.Join(reg.columns, ", "), strings.Join(marks, ", "))
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+reg.table); err != nil {
			return store.Map(err)
		}
		for _, row := range rows {
			if _, err := tx.ExecContext(ctx, insert, append(row.values, now)...); err != nil {
				return fmt.Errorf("line %d: %w", row.line, store.Map(err))
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO source_imports (source, rows, sha256, imported_at) VALUES ($1, $2, $3, $4)`,
			name, len(rows), sum, now); err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorRole: "system", Action: "source.import", Entity: "source", EntityID: name,
			Detail: fmt.Sprintf("%d rows, sha256 %s", len(rows), sum)})
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

type row struct {
	values []any
	line   int
}

// read checks a whole file before anything is written: the header, then each row.
func (reg *register) read(r io.Reader) ([]row, error) {
	want := strings.Join(reg.header, ",")
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, &LineError{1, "cannot read the header: " + err.Error()}
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // a byte-order mark from spreadsheet exports
	}
	if len(header) != len(reg.header) {
		return nil, &LineError{1, "the header must be " + want}
	}
	for i, h := range header {
		if strings.TrimSpace(strings.ToLower(h)) != reg.header[i] {
			return nil, &LineError{1, "the header must be " + want}
		}
	}
	var out []row
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &LineError{pe.Line, pe.Err.Error()}
			}
			return nil, &LineError{0, err.Error()}
		}
		line, _ := cr.FieldPos(0) // only valid after a successful read
		if len(out) >= maxRows {
			return nil, &LineError{line, "too many rows"}
		}
		if len(rec) != len(reg.header) {
			return nil, &LineError{line, fmt.Sprintf("want %d columns, found %d", len(reg.header), len(rec))}
		}
		for i, f := range rec {
			if !utf8.ValidString(f) || len(f) > 100_000 || (len(f) > 1000 && !strings.HasSuffix(reg.header[i], "wkt")) {
				return nil, &LineError{line, "a field is not valid UTF-8 text or is too long"}
			}
			rec[i] = strings.TrimSpace(f)
		}
		values, key, err := reg.parse(rec)
		if err != nil {
			return nil, &LineError{line, err.Error()}
		}
		if key != "" {
			if prev, dup := seen[key]; dup {
				return nil, &LineError{line, fmt.Sprintf("%s already on line %d", key, prev)}
			}
			seen[key] = line
		}
		out = append(out, row{values, line})
	}
	return out, nil
}

// TaxRecord is one taxpayer in the local tax roll.
type TaxRecord struct {
	Identifier string // CNP or CUI (without RO)
	Name       string
	Address    string
	DebtBani   int64 // outstanding local taxes, in bani
}

var taxRoll = &register{
	table:   "source_tax_roll",
	header:  []string{"identifier", "name", "address", "debt_lei"},
	columns: []string{"identifier", "name", "address", "debt_bani"},
	parse: func(rec []string) ([]any, string, error) {
		id, err := Identifier(rec[0])
		if err != nil {
			return nil, "", err
		}
		if rec[1] == "" {
			return nil, "", errors.New("the name is empty")
		}
		debt, err := parseLei(rec[3])
		if err != nil {
			return nil, "", fmt.Errorf("debt_lei %q: %v", rec[3], err)
		}
		return []any{id, rec[1], rec[2], debt}, "identifier " + id, nil
	},
}

// Identifier checks a CNP or a CUI (with or without RO) and returns it normalised.
func Identifier(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) == 13 && ident.CNP(s) == nil {
		return s, nil
	}
	cui, err := ident.NormalizeCUI(s)
	if err != nil {
		return "", fmt.Errorf("identifier %q is neither a valid CNP nor a valid CUI", s)
	}
	return cui, nil
}

// parseLei reads an amount in lei: digits with an optional decimal point or comma
// and at most two decimals; empty means 0.
func parseLei(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	s = strings.Replace(s, ",", ".", 1)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || strings.ContainsAny(whole+frac, "+-eE ") {
		return 0, errors.New("want an amount in lei such as 0, 125 or 125.50")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/1000 {
		return 0, errors.New("want an amount in lei such as 0, 125 or 125.50")
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, errors.New("want an amount in lei such as 0, 125 or 125.50")
	}
	return w*100 + f, nil
}

// TaxRecordFor returns the tax roll's record of a CNP or CUI, or store.ErrNotFound.
func TaxRecordFor(ctx context.Context, q store.Querier, identifier string) (TaxRecord, error) {
	var t TaxRecord
	id := strings.TrimSpace(identifier)
	if cui, err := ident.NormalizeCUI(id); err == nil && len(id) != 13 {
		id = cui
	}
	err := q.QueryRowContext(ctx, `SELECT identifier, name, address, debt_bani FROM source_tax_roll WHERE identifier = $1`, id).
		Scan(&t.Identifier, &t.Name, &t.Address, &t.DebtBani)
	return t, store.Map(err)
}
