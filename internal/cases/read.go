package cases

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// scope returns the SQL condition and arguments that limit cases to what u may see:
// citizens their own, staff their department, admins all. Anyone else sees nothing,
// so the wrong user gets store.ErrNotFound from the query itself.
func scope(u *identity.User, next int) (string, []any) {
	switch {
	case u == nil:
		return "1 = 0", nil
	case u.Role == identity.Admin, u.Role == identity.System:
		return "1 = 1", nil
	case u.Role == identity.Citizen:
		return fmt.Sprintf("applicant_id = $%d", next), []any{u.ID}
	case u.Department != "" && (u.Role == identity.Worker || u.Role == identity.Head || u.Role == identity.Clerk):
		return fmt.Sprintf("department = $%d", next), []any{u.Department}
	}
	return "1 = 0", nil
}

func (cs *Cases) get(ctx context.Context, q store.Querier, u *identity.User, id int64, lock string) (*Case, error) {
	cond, args := scope(u, 2)
	return scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = $1 AND `+cond+lock, append([]any{id}, args...)...))
}

// Get returns a case u may see, or store.ErrNotFound. A staff member's read of the
// applicant's data is written to the audit log with the service's legal basis.
func (cs *Cases) Get(ctx context.Context, u *identity.User, id int64) (*Case, error) {
	c, err := cs.get(ctx, cs.db.Read(), u, id, "")
	if err != nil {
		return nil, err
	}
	if u.IsStaff() {
		if err := cs.logView(ctx, u, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (cs *Cases) logView(ctx context.Context, u *identity.User, c *Case) error {
	basis := ""
	if svc, ok := cs.catalog.Service(c.Service); ok {
		basis = svc.LegalBasis
	}
	return audit.Log(ctx, cs.db, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "case.view", Entity: "case",
		EntityID: strconv.FormatInt(c.ID, 10), CaseID: c.ID, LegalBasis: basis})
}

// Page is one page of a keyset-paginated list; Next is empty on the last page.
type Page struct {
	Cases []*Case
	Next  string
}

// ListOwn returns the citizen's own requests, newest first. cursor is a Page.Next.
func (cs *Cases) ListOwn(ctx context.Context, u *identity.User, cursor string, limit int) (Page, error) {
	if u == nil {
		return Page{}, ErrNotAllowed
	}
	limit = clampLimit(limit)
	before := int64(1<<62 - 1)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return Page{}, ErrBadCursor
		}
		before = n
	}
	rows, err := cs.db.Read().QueryContext(ctx, `SELECT `+caseListColumns+` FROM cases WHERE applicant_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
		u.ID, before, limit+1)
	if err != nil {
		return Page{}, err
	}
	list, err := collect(rows)
	if err != nil {
		return Page{}, err
	}
	p := Page{Cases: list}
	if len(list) > limit {
		p.Cases = list[:limit]
		p.Next = strconv.FormatInt(p.Cases[limit-1].ID, 10)
	}
	return p, nil
}

// ErrBadCursor means a pagination cursor was not one this API gave out.
var ErrBadCursor = errors.New("invalid cursor")

// QueueFilter selects a department's cases for the back office.
type QueueFilter struct {
	Department string // required for non-admins; must be their own
	Status     Status // empty: any
	Overdue    bool   // only open cases past their legal deadline
	Cursor     string
	Limit      int
}

// Queue returns cases sorted by legal deadline (soonest first), keyset-paginated, so
// a deep page costs the same as the first. Staff see only their department.
func (cs *Cases) Queue(ctx context.Context, u *identity.User, f QueueFilter) (Page, error) {
	if !u.IsStaff() {
		return Page{}, ErrNotAllowed
	}
	if u.Role != identity.Admin {
		if f.Department == "" {
			f.Department = u.Department
		}
		if f.Department != u.Department {
			return Page{}, ErrNotAllowed
		}
	}
	limit := clampLimit(f.Limit)
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Department != "" {
		add("department = $%d", f.Department)
	}
	if f.Status != "" {
		add("status = $%d", string(f.Status))
	}
	if f.Overdue {
		add("legal_deadline < $%d", calendar.FormatDate(cs.Today()))
		where = append(where, "status IN ('registered', 'assigned', 'in_progress')")
	}
	filter := "1 = 1"
	if len(where) > 0 {
		filter = strings.Join(where, " AND ")
	}
	var query string
	if f.Cursor == "" {
		args = append(args, limit+1)
		query = fmt.Sprintf(`SELECT %s FROM cases WHERE %s ORDER BY legal_deadline, id LIMIT $%d`, caseListColumns, filter, len(args))
	} else {
		deadline, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return Page{}, ErrBadCursor
		}
		// After the cursor: the rest of its day, then the later days. Two exact index
		// ranges; a row-value comparison would make SQLite walk the cursor's whole day.
		args = append(args, deadline, id, limit+1)
		d, i, n := len(args)-2, len(args)-1, len(args)
		query = fmt.Sprintf(`SELECT * FROM (SELECT %[1]s FROM cases WHERE %[2]s AND legal_deadline = $%[3]d AND id > $%[4]d ORDER BY id LIMIT $%[5]d) AS same_day
			UNION ALL
			SELECT * FROM (SELECT %[1]s FROM cases WHERE %[2]s AND legal_deadline > $%[3]d ORDER BY legal_deadline, id LIMIT $%[5]d) AS later
			ORDER BY legal_deadline, id LIMIT $%[5]d`, caseListColumns, filter, d, i, n)
	}
	rows, err := cs.db.Read().QueryContext(ctx, query, args...)
	if err != nil {
		return Page{}, err
	}
	list, err := collect(rows)
	if err != nil {
		return Page{}, err
	}
	p := Page{Cases: list}
	if len(list) > limit {
		p.Cases = list[:limit]
		last := p.Cases[limit-1]
		p.Next = encodeCursor(calendar.FormatDate(last.LegalDeadline), last.ID)
	}
	return p, nil
}

func encodeCursor(deadline string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(deadline + "|" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (string, int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", 0, err
	}
	d, idText, ok := strings.Cut(string(raw), "|")
	if !ok {
		return "", 0, ErrBadCursor
	}
	if _, err := calendar.ParseDate(d); err != nil {
		return "", 0, err
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	return d, id, err
}

func clampLimit(n int) int {
	if n <= 0 {
		return 50
	}
	if n > 200 {
		return 200
	}
	return n
}

func collect(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}) ([]*Case, error) {
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanListCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Lookup finds a request by what is printed on its receipt — registry number and
// registration date — and the applicant's surname, for people following a request
// without an account (as Cluj's portal offers). It returns only the case, for a
// status page; a wrong combination is store.ErrNotFound, like an unknown number.
func (cs *Cases) Lookup(ctx context.Context, number string, registeredOn time.Time, surname string) (*Case, error) {
	number, surname = strings.TrimSpace(number), foldName(surname)
	if number == "" || surname == "" || len(number) > 60 {
		return nil, store.ErrNotFound
	}
	c, err := scanCase(cs.db.Read().QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE number = $1 AND registered_on = $2`,
		number, calendar.FormatDate(registeredOn)))
	if err != nil {
		return nil, err
	}
	words := strings.Fields(foldName(c.ApplicantName))
	for _, w := range words {
		if w == surname {
			return c, nil
		}
	}
	return nil, store.ErrNotFound
}

// foldName lowercases a name and removes Romanian and Hungarian diacritics, so that
// "Știrbu" matches "stirbu".
func foldName(s string) string {
	r := strings.NewReplacer("ș", "s", "ş", "s", "ț", "t", "ţ", "t", "ă", "a", "â", "a", "î", "i",
		"á", "a", "é", "e", "í", "i", "ó", "o", "ö", "o", "ő", "o", "ú", "u", "ü", "u", "ű", "u", "-", " ")
	return r.Replace(strings.ToLower(strings.TrimSpace(s)))
}
