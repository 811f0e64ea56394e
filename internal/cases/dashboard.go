package cases

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/identity"
)

// DueSoonDays is how many working days before its legal deadline a case is marked
// "due soon" in the back office.
const DueSoonDays = 3

// DashboardWindow is how far back the dashboard counts decisions.
const DashboardWindow = 30 * 24 * time.Hour

// DueSoon reports whether c still waits for the city hall and its legal deadline is
// today or at most DueSoonDays working days after today. An overdue case is not due
// soon: it is overdue.
func (cs *Cases) DueSoon(c *Case, today time.Time) bool {
	if !c.Status.Open() || c.LegalDeadline.Before(today) {
		return false
	}
	return cs.calendar.WorkingDaysBetween(today, c.LegalDeadline) <= DueSoonDays
}

// Dashboard is a department's workload at a glance, overall and by service.
type Dashboard struct {
	Department string    // empty: every department (admins only)
	Today      time.Time // the civil date the counts are for
	Since      time.Time // decisions are counted from this instant
	Total      ServiceStats
	Services   []ServiceStats // by service code; only services with something to count
}

// ServiceStats are the counts of one service, or of all (Service empty).
type ServiceStats struct {
	Service string
	// Open cases are not decided yet: registered, assigned, in progress, or waiting
	// for the applicant's answer (Waiting counts those).
	Open    int
	Waiting int
	// Overdue and DueSoon count cases waiting for the city hall, past their legal
	// deadline or within DueSoonDays working days of it (DueSoon).
	Overdue int
	DueSoon int
	// Decided counts the decisions since Dashboard.Since; MedianDays is the median
	// time from registration to decision of those, in days (fractions kept), and
	// means nothing when Decided is 0.
	Decided    int
	MedianDays float64
}

// Dashboard counts the cases of department as u may see them: staff their own
// department (department empty or theirs), admins any department or, with
// department empty, all of them. Counts are computed in SQL; medians in Go over the
// decisions of the window, which a department makes by the hundred, not the million.
func (cs *Cases) Dashboard(ctx context.Context, u *identity.User, department string) (*Dashboard, error) {
	if !u.IsStaff() {
		return nil, ErrNotAllowed
	}
	if u.Role != identity.Admin {
		if u.Department == "" || (department != "" && department != u.Department) {
			return nil, ErrNotAllowed
		}
		department = u.Department
	}
	now := cs.now()
	d := &Dashboard{Department: department, Today: cs.Today(), Since: now.Add(-DashboardWindow).UTC()}
	// The first day no longer due soon: the (DueSoonDays+1)-th working day after today.
	soonEnd := cs.calendar.Deadline(d.Today, calendar.Term{Days: DueSoonDays + 1, Working: true})

	byService := map[string]*ServiceStats{}
	stats := func(code string) *ServiceStats {
		s, ok := byService[code]
		if !ok {
			s = &ServiceStats{Service: code}
			byService[code] = s
		}
		return s
	}

	args := []any{calendar.FormatDate(d.Today), calendar.FormatDate(soonEnd)}
	deptCond := ""
	if department != "" {
		args = append(args, department)
		deptCond = " AND department = $3"
	}
	rows, err := cs.db.Read().QueryContext(ctx, `SELECT service, COUNT(*),
			SUM(CASE WHEN status = 'info_requested' THEN 1 ELSE 0 END),
			SUM(CASE WHEN status <> 'info_requested' AND legal_deadline < $1 THEN 1 ELSE 0 END),
			SUM(CASE WHEN status <> 'info_requested' AND legal_deadline >= $1 AND legal_deadline < $2 THEN 1 ELSE 0 END)
		FROM cases WHERE status IN ('registered', 'assigned', 'in_progress', 'info_requested')`+deptCond+`
		GROUP BY service`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var code string
		var open, waiting, overdue, soon int64
		if err := rows.Scan(&code, &open, &waiting, &overdue, &soon); err != nil {
			rows.Close()
			return nil, err
		}
		s := stats(code)
		s.Open, s.Waiting, s.Overdue, s.DueSoon = int(open), int(waiting), int(overdue), int(soon)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	args = []any{d.Since.UnixMicro()}
	deptCond = ""
	if department != "" {
		args = append(args, department)
		deptCond = " AND department = $2"
	}
	rows, err = cs.db.Read().QueryContext(ctx, `SELECT service, registered_at, decided_at FROM cases
		WHERE decided_at >= $1`+deptCond, args...)
	if err != nil {
		return nil, err
	}
	durations := map[string][]float64{}
	var all []float64
	for rows.Next() {
		var code string
		var registered, decided int64
		if err := rows.Scan(&code, &registered, &decided); err != nil {
			rows.Close()
			return nil, err
		}
		days := float64(decided-registered) / float64(24*time.Hour/time.Microsecond)
		durations[code] = append(durations[code], days)
		all = append(all, days)
		stats(code).Decided++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	for _, code := range slices.Sorted(maps.Keys(byService)) {
		s := byService[code]
		s.MedianDays = median(durations[code])
		d.Total.Open += s.Open
		d.Total.Waiting += s.Waiting
		d.Total.Overdue += s.Overdue
		d.Total.DueSoon += s.DueSoon
		d.Total.Decided += s.Decided
		d.Services = append(d.Services, *s)
	}
	d.Total.MedianDays = median(all)
	return d, nil
}

// median returns the median of xs (the mean of the middle two for an even count),
// 0 for none. xs is sorted in place.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}
