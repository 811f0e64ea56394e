// Package cases is a request's life: filed (numbered in the registry in the same
// transaction), assigned, processed, paused while the applicant is asked for more,
// extended within the law, decided with a written reason, closed or withdrawn. Every
// transition records actor, time and reason; together they are the case timeline.
package cases

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// Status is where a case stands.
type Status string

// The statuses, in the order a case usually meets them.
const (
	Registered    Status = "registered"
	Assigned      Status = "assigned"
	InProgress    Status = "in_progress"
	InfoRequested Status = "info_requested" // the legal clock stops until the applicant answers
	Decided       Status = "decided"
	Closed        Status = "closed"
	Withdrawn     Status = "withdrawn"
)

// Open reports whether the case still waits for the city hall.
func (s Status) Open() bool { return s == Registered || s == Assigned || s == InProgress }

// Final reports whether nothing more can happen to the case.
func (s Status) Final() bool { return s == Closed || s == Withdrawn }

// Outcome is what a decision said.
type Outcome string

const (
	Approved Outcome = "approved"
	Rejected Outcome = "rejected"
	Partial  Outcome = "partial"
)

// Case is one request being processed.
type Case struct {
	ID             int64
	Service        string
	Department     string
	ApplicantID    int64
	ApplicantName  string
	Status         Status
	Outcome        Outcome
	DecisionReason string
	Number         string
	RegisteredAt   time.Time
	RegisteredOn   time.Time // the registration date (Bucharest) the legal term counts from
	LegalDeadline  time.Time // civil date
	Term           calendar.Term
	ExtendedDays   int
	PausedDays     int
	PausedOn       time.Time // zero unless the clock is stopped
	AssigneeID     int64
	Fields         map[string]string
	UpdatedAt      time.Time
	DecidedAt      time.Time
	ClosedAt       time.Time
}

// Overdue reports whether the case is past its legal deadline on day today while
// the city hall still owes an answer.
func (c *Case) Overdue(today time.Time) bool {
	return c.Status.Open() && c.LegalDeadline.Before(today)
}

// Errors the domain returns; web and API map them to statuses and translated text.
var (
	ErrUnknownService      = errors.New("unknown service")
	ErrServiceDisabled     = errors.New("service disabled")
	ErrInvalidTransition   = errors.New("not possible in the case's current status")
	ErrReasonRequired      = errors.New("a reason is required")
	ErrExtensionNotAllowed = errors.New("the law allows no extension for this service")
	ErrNotAllowed          = errors.New("not allowed for this user")
)

// ExtensionExceeded says by how many days the case may still be extended.
type ExtensionExceeded struct{ Max int }

func (e *ExtensionExceeded) Error() string { return "extension beyond the legal limit" }

// InvalidInput carries every field error of a filing; nothing was stored.
type InvalidInput struct{ Errors []catalog.FieldError }

func (e *InvalidInput) Error() string { return "invalid input" }

// Cases runs the use cases over one database.
type Cases struct {
	db       *store.DB
	catalog  *catalog.Live
	calendar *calendar.Calendar
	registry *registry.Registry
	now      func() time.Time
	loc      *time.Location
	// onFiled run inside each filing's transaction, after the case is stored: the
	// virtual civil servant queues its job there, so no filed request is missed.
	onFiled []func(ctx context.Context, tx *store.Tx, c *Case) error
	// onAnswered run inside the transaction that records the applicant's answer to a
	// request for information, so the virtual civil servant looks at the case again.
	onAnswered []func(ctx context.Context, tx *store.Tx, c *Case) error
}

// OnFiled adds a function run inside every filing's transaction. Call it before serving.
func (cs *Cases) OnFiled(f func(ctx context.Context, tx *store.Tx, c *Case) error) {
	cs.onFiled = append(cs.onFiled, f)
}

// OnAnswered adds a function run inside the transaction of every answer to a
// request for information. Call it before serving.
func (cs *Cases) OnAnswered(f func(ctx context.Context, tx *store.Tx, c *Case) error) {
	cs.onAnswered = append(cs.onAnswered, f)
}

// New returns the case service.
func New(db *store.DB, cat *catalog.Live, cal *calendar.Calendar, reg *registry.Registry) *Cases {
	loc, err := time.LoadLocation("Europe/Bucharest")
	if err != nil {
		loc = time.UTC
	}
	return &Cases{db: db, catalog: cat, calendar: cal, registry: reg, now: time.Now, loc: loc}
}

// SetClock replaces the clock; tests use it to file on chosen dates.
func (cs *Cases) SetClock(now func() time.Time) { cs.now = now }

// Today is the current civil date in Bucharest.
func (cs *Cases) Today() time.Time { return calendar.Civil(cs.now()) }

// Catalog returns the service catalogue the cases use.
func (cs *Cases) Catalog() *catalog.Live { return cs.catalog }

// deadline is the legal deadline of c given its term, extensions and pauses.
func (cs *Cases) deadline(c *Case) time.Time {
	t := c.Term
	t.Days += c.ExtendedDays + c.PausedDays
	return cs.calendar.Deadline(c.RegisteredOn, t)
}

const caseColumns = `id, service, department, COALESCE(applicant_id, 0), applicant_name, status, outcome, decision_reason, number,
	registered_at, registered_on, legal_deadline, term_days, term_working, extended_days, paused_days, paused_on,
	COALESCE(assignee_id, 0), fields, updated_at, decided_at, closed_at`

// caseListColumns are what a list shows of each case; reading fewer columns keeps a
// page of a million-case queue cheap. scanListCase reads them.
const caseListColumns = `id, service, department, status, outcome, number, registered_at, legal_deadline,
	extended_days, paused_on, COALESCE(assignee_id, 0)`

// scanListCase reads a row of caseListColumns; the fields a list does not show stay zero.
func scanListCase(row interface{ Scan(...any) error }) (*Case, error) {
	var c Case
	var status, outcome, deadline, pausedOn string
	var regAt int64
	err := row.Scan(&c.ID, &c.Service, &c.Department, &status, &outcome, &c.Number, &regAt, &deadline,
		&c.ExtendedDays, &pausedOn, &c.AssigneeID)
	if err != nil {
		return nil, store.Map(err)
	}
	c.Status, c.Outcome, c.RegisteredAt = Status(status), Outcome(outcome), time.UnixMicro(regAt).UTC()
	c.LegalDeadline, _ = calendar.ParseDate(deadline)
	if pausedOn != "" {
		c.PausedOn, _ = calendar.ParseDate(pausedOn)
	}
	return &c, nil
}

func scanCase(row interface{ Scan(...any) error }) (*Case, error) {
	var c Case
	var status, outcome, regOn, deadline, pausedOn, fields string
	var regAt, updated, decided, closed int64
	var working int
	err := row.Scan(&c.ID, &c.Service, &c.Department, &c.ApplicantID, &c.ApplicantName, &status, &outcome, &c.DecisionReason,
		&c.Number, &regAt, &regOn, &deadline, &c.Term.Days, &working, &c.ExtendedDays, &c.PausedDays, &pausedOn,
		&c.AssigneeID, &fields, &updated, &decided, &closed)
	if err != nil {
		return nil, store.Map(err)
	}
	c.Status, c.Outcome, c.Term.Working = Status(status), Outcome(outcome), working != 0
	c.RegisteredAt, c.UpdatedAt = time.UnixMicro(regAt).UTC(), time.UnixMicro(updated).UTC()
	c.RegisteredOn, _ = calendar.ParseDate(regOn)
	c.LegalDeadline, _ = calendar.ParseDate(deadline)
	if pausedOn != "" {
		c.PausedOn, _ = calendar.ParseDate(pausedOn)
	}
	if decided != 0 {
		c.DecidedAt = time.UnixMicro(decided).UTC()
	}
	if closed != 0 {
		c.ClosedAt = time.UnixMicro(closed).UTC()
	}
	if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
		return nil, err
	}
	return &c, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
