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
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/store"
)

// Names are the registers that can be imported.
var Names = []string{"tax-roll"}

// LineError says what is wrong on one line of an import file.
type LineError struct {
	Line   int
	Reason string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// ErrUnknownSource means the register name is not one of Names.
var ErrUnknownSource = errors.New("unknown source (known: tax-roll)")

// MaxImportBytes bounds an import file; a city's tax roll is far smaller.
const MaxImportBytes = 512 << 20

// Import reads a CSV file for the register name and replaces the register with it.
// It returns the number of rows imported.
func Import(ctx context.Context, db *store.DB, name string, r io.Reader) (int, error) {
	if name != "tax-roll" {
		return 0, ErrUnknownSource
	}
	h := sha256.New()
	rows, err := readTaxRoll(io.TeeReader(io.LimitReader(r, MaxImportBytes+1), h))
	if err != nil {
		return 0, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	now := time.Now().UnixMicro()
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM source_tax_roll`); err != nil {
			return store.Map(err)
		}
		for _, row := range rows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO source_tax_roll (identifier, name, address, debt_bani, imported_at) VALUES ($1, $2, $3, $4, $5)`,
				row.Identifier, row.Name, row.Address, row.DebtBani, now); err != nil {
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

// TaxRecord is one taxpayer in the local tax roll.
type TaxRecord struct {
	Identifier string // CNP or CUI (without RO)
	Name       string
	Address    string
	DebtBani   int64 // outstanding local taxes, in bani
	line       int
}

var taxRollHeader = []string{"identifier", "name", "address", "debt_lei"}

func readTaxRoll(r io.Reader) ([]TaxRecord, error) {
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
	if len(header) != len(taxRollHeader) {
		return nil, &LineError{1, "the header must be " + strings.Join(taxRollHeader, ",")}
	}
	for i, h := range header {
		if strings.TrimSpace(strings.ToLower(h)) != taxRollHeader[i] {
			return nil, &LineError{1, "the header must be " + strings.Join(taxRollHeader, ",")}
		}
	}
	var out []TaxRecord
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
		if len(out) > 5_000_000 {
			return nil, &LineError{line, "too many rows"}
		}
		if len(rec) != 4 {
			return nil, &LineError{line, fmt.Sprintf("want 4 columns, found %d", len(rec))}
		}
		for _, f := range rec {
			if !utf8.ValidString(f) || len(f) > 1000 {
				return nil, &LineError{line, "a field is not valid UTF-8 text or is longer than 1000 bytes"}
			}
		}
		t := TaxRecord{Identifier: strings.TrimSpace(rec[0]), Name: strings.TrimSpace(rec[1]), Address: strings.TrimSpace(rec[2]), line: line}
		switch {
		case len(t.Identifier) == 13 && ident.CNP(t.Identifier) == nil:
		default:
			cui, err := ident.NormalizeCUI(t.Identifier)
			if err != nil {
				return nil, &LineError{line, fmt.Sprintf("identifier %q is neither a valid CNP nor a valid CUI", t.Identifier)}
			}
			t.Identifier = cui
		}
		if t.Name == "" {
			return nil, &LineError{line, "the name is empty"}
		}
		debt, err := parseLei(rec[3])
		if err != nil {
			return nil, &LineError{line, fmt.Sprintf("debt_lei %q: %v", rec[3], err)}
		}
		t.DebtBani = debt
		if prev, dup := seen[t.Identifier]; dup {
			return nil, &LineError{line, fmt.Sprintf("identifier %s already on line %d", t.Identifier, prev)}
		}
		seen[t.Identifier] = line
		out = append(out, t)
	}
	return out, nil
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
