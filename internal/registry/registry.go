// Package registry is the general registry (registratură): it numbers every incoming
// and outgoing document in the institution's own format and links each reply to the
// entry it answers. Numbers are per register and calendar year, start at 1, strictly
// increase, have no gaps and are never reused: each comes from a locked counter row
// updated in the same transaction that stores its entry.
package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/store"
)

// Register is one numbered book of entries.
type Register struct {
	Code string
	Name string
	// Format builds the number: {seq}, {code} (the compartment), {yyyy}, {yy}, {mm},
	// {dd} and {dd.mm.yyyy} are replaced.
	Format string
}

// Institution is a city hall's registry set-up.
type Institution struct {
	Code      string
	Name      string
	Registers []Register
}

// Built-in institutions. Cluj-Napoca: 594184/305/20.10.2021, one yearly sequence for
// the general register, the middle code naming the compartment. Timișoara:
// SC2021-9879/20.10.2021.
var Institutions = map[string]Institution{
	"cluj-napoca": {Code: "cluj-napoca", Name: "Primăria Municipiului Cluj-Napoca", Registers: []Register{
		{Code: "general", Name: "Registrul general de intrare-ieșire", Format: "{seq}/{code}/{dd.mm.yyyy}"},
	}},
	"timisoara": {Code: "timisoara", Name: "Primăria Municipiului Timișoara", Registers: []Register{
		{Code: "general", Name: "Registrul general de intrare-ieșire", Format: "SC{yyyy}-{seq}/{dd.mm.yyyy}"},
	}},
}

// Direction says whether a document came in or went out.
type Direction string

const (
	Incoming Direction = "in"
	Outgoing Direction = "out"
)

// Entry is one line of a register.
type Entry struct {
	ID            int64
	Register      string
	Year          int
	Seq           int64
	Number        string
	Direction     Direction
	RegisteredAt  time.Time
	Department    string
	Subject       string
	Correspondent string
	Channel       string // online, counter, post, email
	CaseID        int64
	ReplyTo       int64
	CreatedBy     int64
	CancelledAt   time.Time
	CancelReason  string
}

// NewEntry is what Register needs.
type NewEntry struct {
	Register      string
	Direction     Direction
	Department    string
	Compartment   string // the code printed in Cluj-style numbers
	Subject       string
	Correspondent string
	Channel       string
	CaseID        int64
	ReplyTo       int64
	CreatedBy     int64
	CreatedByRole string
	At            time.Time
}

// Errors for bad requests to the registry.
var (
	ErrUnknownRegister  = errors.New("unknown register")
	ErrReplyToOutgoing  = errors.New("a reply must answer an incoming entry")
	ErrAlreadyCancelled = errors.New("entry already cancelled")
	ErrReasonRequired   = errors.New("a reason is required")
)

// Registry numbers entries for one institution.
type Registry struct {
	inst      Institution
	registers map[string]Register
	loc       *time.Location
}

// New returns the registry of inst. Dates in numbers are Bucharest dates.
func New(inst Institution) *Registry {
	loc, err := time.LoadLocation("Europe/Bucharest")
	if err != nil {
		loc = time.UTC
	}
	r := &Registry{inst: inst, registers: map[string]Register{}, loc: loc}
	for _, reg := range inst.Registers {
		r.registers[reg.Code] = reg
	}
	return r
}

// Institution returns the institution this registry serves.
func (r *Registry) Institution() Institution { return r.inst }

// Has reports whether a register exists.
func (r *Registry) Has(code string) bool { _, ok := r.registers[code]; return ok }

// Format builds an entry number.
func (r *Registry) Format(reg Register, seq int64, compartment string, at time.Time) string {
	d := at.In(r.loc)
	return strings.NewReplacer(
		"{seq}", strconv.FormatInt(seq, 10),
		"{code}", compartment,
		"{dd.mm.yyyy}", d.Format("02.01.2006"),
		"{yyyy}", d.Format("2006"),
		"{yy}", d.Format("06"),
		"{mm}", d.Format("01"),
		"{dd}", d.Format("02"),
	).Replace(reg.Format)
}

// Reservation is a number taken from a register's counter inside a transaction and
// not yet used by an entry. It must be used by Insert in the same transaction.
type Reservation struct {
	Register string
	Year     int
	Seq      int64
	Number   string
	At       time.Time
}

// Reserve takes the next number of a register for the year of at, inside tx. The
// counter row stays locked until tx ends, so two transactions never get the same
// number, and a rolled-back transaction gives its number back: no gap remains.
// Callers that need the number before the entry (a case stores its number) Reserve,
// store their row, then Insert.
func (r *Registry) Reserve(ctx context.Context, tx *store.Tx, register, compartment string, at time.Time) (Reservation, error) {
	reg, ok := r.registers[register]
	if !ok {
		return Reservation{}, ErrUnknownRegister
	}
	if at.IsZero() {
		at = time.Now()
	}
	at = at.UTC().Truncate(time.Microsecond)
	year := at.In(r.loc).Year()
	var seq int64
	err := tx.QueryRowContext(ctx, `INSERT INTO register_counters (register, year, last_seq) VALUES ($1, $2, 1)
		ON CONFLICT (register, year) DO UPDATE SET last_seq = register_counters.last_seq + 1
		RETURNING last_seq`, reg.Code, year).Scan(&seq)
	if err != nil {
		return Reservation{}, fmt.Errorf("registry counter: %w", store.Map(err))
	}
	return Reservation{Register: reg.Code, Year: year, Seq: seq, Number: r.Format(reg, seq, compartment, at), At: at}, nil
}

// Insert stores the entry for a reserved number, inside the same tx as Reserve.
func (r *Registry) Insert(ctx context.Context, tx *store.Tx, res Reservation, e NewEntry) (Entry, error) {
	if e.ReplyTo != 0 {
		var dir string
		if err := tx.QueryRowContext(ctx, `SELECT direction FROM registry_entries WHERE id = $1`, e.ReplyTo).Scan(&dir); err != nil {
			return Entry{}, store.Map(err)
		}
		if Direction(dir) != Incoming {
			return Entry{}, ErrReplyToOutgoing
		}
	}
	if e.Channel == "" {
		e.Channel = "online"
	}
	out := Entry{Register: res.Register, Year: res.Year, Seq: res.Seq, Number: res.Number,
		Direction: e.Direction, RegisteredAt: res.At, Department: e.Department, Subject: e.Subject,
		Correspondent: e.Correspondent, Channel: e.Channel, CaseID: e.CaseID, ReplyTo: e.ReplyTo, CreatedBy: e.CreatedBy}
	err := tx.QueryRowContext(ctx, `INSERT INTO registry_entries
		(register, year, seq, number, direction, registered_at, department, subject, correspondent, channel, case_id, reply_to, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		out.Register, out.Year, out.Seq, out.Number, string(out.Direction), res.At.UnixMicro(), out.Department, out.Subject,
		out.Correspondent, out.Channel, store.NullID(out.CaseID), store.NullID(out.ReplyTo), store.NullID(out.CreatedBy)).Scan(&out.ID)
	if err != nil {
		return Entry{}, fmt.Errorf("registry entry: %w", store.Map(err))
	}
	role := e.CreatedByRole
	if role == "" {
		role = "system"
	}
	err = audit.Append(ctx, tx, audit.Entry{ActorID: e.CreatedBy, ActorRole: role, Action: "registry.register." + string(out.Direction),
		Entity: "registry_entry", EntityID: strconv.FormatInt(out.ID, 10), CaseID: out.CaseID, Detail: out.Number})
	return out, err
}

// Register numbers and stores e inside tx (Reserve then Insert).
func (r *Registry) Register(ctx context.Context, tx *store.Tx, e NewEntry) (Entry, error) {
	res, err := r.Reserve(ctx, tx, e.Register, e.Compartment, e.At)
	if err != nil {
		return Entry{}, err
	}
	return r.Insert(ctx, tx, res, e)
}

// Cancel marks an entry cancelled with a reason. The entry and its number stay: a
// number is never reused.
func Cancel(ctx context.Context, db *store.DB, id int64, reason string, by int64, byRole string) error {
	if strings.TrimSpace(reason) == "" {
		return ErrReasonRequired
	}
	return db.Tx(ctx, func(tx *store.Tx) error {
		var cancelled int64
		if err := tx.QueryRowContext(ctx, `SELECT cancelled_at FROM registry_entries WHERE id = $1`+tx.Dialect().ForUpdate(), id).Scan(&cancelled); err != nil {
			return store.Map(err)
		}
		if cancelled != 0 {
			return ErrAlreadyCancelled
		}
		if _, err := tx.ExecContext(ctx, `UPDATE registry_entries SET cancelled_at = $1, cancel_reason = $2, cancelled_by = $3 WHERE id = $4`,
			time.Now().UnixMicro(), strings.TrimSpace(reason), store.NullID(by), id); err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: by, ActorRole: byRole, Action: "registry.cancel",
			Entity: "registry_entry", EntityID: strconv.FormatInt(id, 10), Detail: reason})
	})
}

const entryColumns = `id, register, year, seq, number, direction, registered_at, department, subject, correspondent, channel,
	case_id, reply_to, created_by, cancelled_at, cancel_reason`

func scanEntry(row interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var dir string
	var at, cancelled int64
	var caseID, replyTo, by sql.NullInt64
	err := row.Scan(&e.ID, &e.Register, &e.Year, &e.Seq, &e.Number, &dir, &at, &e.Department, &e.Subject,
		&e.Correspondent, &e.Channel, &caseID, &replyTo, &by, &cancelled, &e.CancelReason)
	if err != nil {
		return e, store.Map(err)
	}
	e.Direction, e.RegisteredAt = Direction(dir), time.UnixMicro(at).UTC()
	e.CaseID, e.ReplyTo, e.CreatedBy = caseID.Int64, replyTo.Int64, by.Int64
	if cancelled != 0 {
		e.CancelledAt = time.UnixMicro(cancelled).UTC()
	}
	return e, nil
}

// Get returns one entry.
func Get(ctx context.Context, q store.Querier, id int64) (Entry, error) {
	return scanEntry(q.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM registry_entries WHERE id = $1`, id))
}

// ForCase returns the entries of a case: its incoming request and the replies.
func ForCase(ctx context.Context, q store.Querier, caseID int64) ([]Entry, error) {
	return list(ctx, q, `SELECT `+entryColumns+` FROM registry_entries WHERE case_id = $1 ORDER BY id`, caseID)
}

// ListFilter selects entries for the registry screen, newest first, keyset-paged.
type ListFilter struct {
	Register   string
	Year       int
	Department string // empty: all
	BeforeID   int64  // cursor: entries with a smaller id
	Limit      int
}

// List returns entries matching f.
func List(ctx context.Context, q store.Querier, f ListFilter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where := []string{"register = $1", "year = $2"}
	args := []any{f.Register, f.Year}
	if f.Department != "" {
		args = append(args, f.Department)
		where = append(where, fmt.Sprintf("department = $%d", len(args)))
	}
	if f.BeforeID > 0 {
		args = append(args, f.BeforeID)
		where = append(where, fmt.Sprintf("id < $%d", len(args)))
	}
	args = append(args, f.Limit)
	return list(ctx, q, `SELECT `+entryColumns+` FROM registry_entries WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args)), args...)
}

func list(ctx context.Context, q store.Querier, query string, args ...any) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Problem is a break in a register's numbering.
type Problem struct {
	Register string
	Year     int
	Reason   string
}

func (p Problem) String() string {
	return fmt.Sprintf("register %s, year %d: %s", p.Register, p.Year, p.Reason)
}

// Verify checks every register and year: numbers 1..N, each exactly once, and the
// counter at N. It reads the numbers in order, so it needs no memory per entry.
func Verify(ctx context.Context, q store.Querier) ([]Problem, error) {
	rows, err := q.QueryContext(ctx, `SELECT register, year, seq FROM registry_entries ORDER BY register, year, seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct {
		reg  string
		year int
	}
	last := map[key]int64{}
	var problems []Problem
	var cur key
	var prev int64
	first := true
	for rows.Next() {
		var k key
		var seq int64
		if err := rows.Scan(&k.reg, &k.year, &seq); err != nil {
			return nil, err
		}
		if first || k != cur {
			cur, prev, first = k, 0, false
		}
		switch {
		case seq == prev:
			problems = append(problems, Problem{k.reg, k.year, fmt.Sprintf("number %d is used twice", seq)})
		case seq != prev+1:
			problems = append(problems, Problem{k.reg, k.year, fmt.Sprintf("gap: numbers %d to %d are missing", prev+1, seq-1)})
		}
		prev = seq
		last[k] = seq
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crows, err := q.QueryContext(ctx, `SELECT register, year, last_seq FROM register_counters ORDER BY register, year`)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var k key
		var n int64
		if err := crows.Scan(&k.reg, &k.year, &n); err != nil {
			return nil, err
		}
		if last[k] != n {
			problems = append(problems, Problem{k.reg, k.year, fmt.Sprintf("counter is at %d but the last entry is %d", n, last[k])})
		}
	}
	return problems, crows.Err()
}
