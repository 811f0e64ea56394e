package cases

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// change loads a case u may act on, locked for the transaction, runs fn on it, saves
// the fields fn changed, and records the event and the audit row. fn returns the
// event kind, the reason shown on the timeline, and extra event data.
func (cs *Cases) change(ctx context.Context, u *identity.User, id int64, action string,
	fn func(tx *store.Tx, c *Case) (reason string, data map[string]any, err error)) (*Case, error) {
	var out *Case
	err := cs.db.Tx(ctx, func(tx *store.Tx) error {
		c, err := cs.get(ctx, tx, u, id, tx.Dialect().ForUpdate())
		if err != nil {
			return err
		}
		from := c.Status
		reason, data, err := fn(tx, c)
		if err != nil {
			return err
		}
		c.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
		pausedOn := ""
		if !c.PausedOn.IsZero() {
			pausedOn = calendar.FormatDate(c.PausedOn)
		}
		_, err = tx.ExecContext(ctx, `UPDATE cases SET status = $1, outcome = $2, decision_reason = $3, legal_deadline = $4,
			extended_days = $5, paused_days = $6, paused_on = $7, assignee_id = $8, updated_at = $9, decided_at = $10, closed_at = $11
			WHERE id = $12`,
			string(c.Status), string(c.Outcome), c.DecisionReason, calendar.FormatDate(c.LegalDeadline), c.ExtendedDays,
			c.PausedDays, pausedOn, store.NullID(c.AssigneeID), c.UpdatedAt.UnixMicro(), micro(c.DecidedAt), micro(c.ClosedAt), c.ID)
		if err != nil {
			return store.Map(err)
		}
		if err := addEvent(ctx, tx, c.ID, u, action, from, c.Status, reason, data); err != nil {
			return err
		}
		basis := ""
		if svc, ok := cs.catalog.Service(c.Service); ok {
			basis = svc.LegalBasis
		}
		if err := audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "case." + action,
			Entity: "case", EntityID: strconv.FormatInt(c.ID, 10), CaseID: c.ID, LegalBasis: basis, Detail: reason}); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

func micro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// mayProcess reports whether u processes cases (workers, heads, admins).
func mayProcess(u *identity.User) bool {
	return u != nil && (u.Role == identity.Worker || u.Role == identity.Head || u.Role == identity.Admin || u.Role == identity.System)
}

func (cs *Cases) notifyApplicant(ctx context.Context, tx *store.Tx, c *Case, kind string, params map[string]any) error {
	if params == nil {
		params = map[string]any{}
	}
	params["number"] = c.Number
	params["service"] = c.Service
	params["legal_deadline"] = calendar.FormatDate(c.LegalDeadline)
	if phone := c.Fields["phone"]; phone != "" {
		params["phone"] = phone // for a text, when an SMS gateway is set
	}
	return notify.Enqueue(ctx, tx, notify.Message{UserID: c.ApplicantID, Email: c.Fields["email"], CaseID: c.ID, Kind: kind, Params: params})
}

// Assign gives the case to a worker or head of its department. A head or admin may
// assign anyone eligible; a worker may take a case only for themself.
func (cs *Cases) Assign(ctx context.Context, u *identity.User, id, assigneeID int64, reason string) (*Case, error) {
	if !mayProcess(u) {
		return nil, ErrNotAllowed
	}
	if assigneeID == 0 {
		assigneeID = u.ID
	}
	if u.Role == identity.Worker && assigneeID != u.ID {
		return nil, ErrNotAllowed
	}
	return cs.change(ctx, u, id, "assigned", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if c.Status.Final() || c.Status == Decided {
			return "", nil, ErrInvalidTransition
		}
		a, err := identity.UserByID(ctx, tx, assigneeID)
		if err != nil || (a.Role != identity.Worker && a.Role != identity.Head) || a.Department != c.Department {
			return "", nil, ErrInvalidAssignee
		}
		c.AssigneeID = a.ID
		if c.Status == Registered {
			c.Status = Assigned
		}
		return strings.TrimSpace(reason), map[string]any{"assignee_id": a.ID, "assignee_name": a.Name}, nil
	})
}

// ErrInvalidAssignee means the assignee is not a worker or head of the case's department.
var ErrInvalidAssignee = fmt.Errorf("the assignee must be a worker or head of the case's department")

// RequestInfo asks the applicant for more. Where the service allows suspension the
// legal clock stops until the applicant answers.
func (cs *Cases) RequestInfo(ctx context.Context, u *identity.User, id int64, message string) (*Case, error) {
	if !mayProcess(u) {
		return nil, ErrNotAllowed
	}
	message = strings.TrimSpace(message)
	if message == "" {
		return nil, ErrReasonRequired
	}
	return cs.change(ctx, u, id, "info_requested", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if !c.Status.Open() {
			return "", nil, ErrInvalidTransition
		}
		c.Status = InfoRequested
		stopped := false
		if svc, ok := cs.catalog.Service(c.Service); ok && svc.Suspension {
			c.PausedOn, stopped = cs.Today(), true
		}
		return message, map[string]any{"clock_stopped": stopped}, cs.notifyApplicant(ctx, tx, c, "case.info_requested", map[string]any{"message": message})
	})
}

// Respond records the applicant's answer to a request for information and restarts
// the legal clock: the deadline moves by the days it was stopped.
func (cs *Cases) Respond(ctx context.Context, u *identity.User, id int64, message string, files []File) (*Case, error) {
	if u == nil || u.Role != identity.Citizen {
		return nil, ErrNotAllowed
	}
	message = strings.TrimSpace(message)
	if message == "" && len(files) == 0 {
		return nil, ErrReasonRequired
	}
	return cs.change(ctx, u, id, "info_answered", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if c.Status != InfoRequested {
			return "", nil, ErrInvalidTransition
		}
		paused := 0
		if !c.PausedOn.IsZero() {
			today := cs.Today()
			if c.Term.Working {
				paused = cs.calendar.WorkingDaysBetween(c.PausedOn, today)
			} else {
				paused = int(today.Sub(c.PausedOn).Hours() / 24)
			}
			c.PausedDays += paused
			c.PausedOn = time.Time{}
			c.LegalDeadline = cs.deadline(c)
		}
		c.Status = InProgress
		for _, f := range files {
			if err := storeFile(ctx, tx, c.ID, f, sniff(f.Data), u.ID); err != nil {
				return "", nil, err
			}
		}
		for _, hook := range cs.onAnswered {
			if err := hook(ctx, tx, c); err != nil {
				return "", nil, err
			}
		}
		return message, map[string]any{"paused_days": paused, "files": len(files)}, nil
	})
}

// Extend moves the legal deadline by days, within the limit the service's law sets,
// and tells the applicant why.
func (cs *Cases) Extend(ctx context.Context, u *identity.User, id int64, days int, reason string) (*Case, error) {
	if !mayProcess(u) {
		return nil, ErrNotAllowed
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, ErrReasonRequired
	}
	return cs.change(ctx, u, id, "extended", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if !c.Status.Open() && c.Status != InfoRequested {
			return "", nil, ErrInvalidTransition
		}
		svc, ok := cs.catalog.Service(c.Service)
		if !ok || svc.Extension.MaxDays <= 0 {
			return "", nil, ErrExtensionNotAllowed
		}
		left := svc.Extension.MaxDays - c.ExtendedDays
		if days <= 0 || days > left {
			return "", nil, &ExtensionExceeded{Max: left}
		}
		old := c.LegalDeadline
		c.ExtendedDays += days
		c.LegalDeadline = cs.deadline(c)
		data := map[string]any{"days": days, "old_deadline": calendar.FormatDate(old), "new_deadline": calendar.FormatDate(c.LegalDeadline)}
		return reason, data, cs.notifyApplicant(ctx, tx, c, "case.extended", map[string]any{"days": days, "reason": reason})
	})
}

// Decide records the decision with its written reason and registers the reply as an
// outgoing entry linked to the request's incoming entry.
func (cs *Cases) Decide(ctx context.Context, u *identity.User, id int64, outcome Outcome, reason string) (*Case, error) {
	if !mayProcess(u) {
		return nil, ErrNotAllowed
	}
	if outcome != Approved && outcome != Rejected && outcome != Partial {
		return nil, ErrInvalidOutcome
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, ErrReasonRequired
	}
	return cs.change(ctx, u, id, "decided", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if !c.Status.Open() {
			return "", nil, ErrInvalidTransition
		}
		svc, _ := cs.catalog.Service(c.Service)
		entries, err := registry.ForCase(ctx, tx, c.ID)
		if err != nil {
			return "", nil, err
		}
		var incoming registry.Entry
		for _, e := range entries {
			if e.Direction == registry.Incoming {
				incoming = e
				break
			}
		}
		register, compartment := "general", ""
		if svc != nil {
			register = svc.Register
		}
		if d, ok := cs.catalog.Department(c.Department); ok {
			compartment = d.Compartment
		}
		reply, err := cs.registry.Register(ctx, tx, registry.NewEntry{Register: register, Direction: registry.Outgoing,
			Department: c.Department, Compartment: compartment, Subject: "Răspuns la " + c.Number, Correspondent: c.ApplicantName,
			Channel: "online", CaseID: c.ID, ReplyTo: incoming.ID, CreatedBy: u.ID, CreatedByRole: string(u.Role)})
		if err != nil {
			return "", nil, err
		}
		c.Status, c.Outcome, c.DecisionReason, c.DecidedAt = Decided, outcome, reason, time.Now().UTC().Truncate(time.Microsecond)
		c.PausedOn = time.Time{}
		data := map[string]any{"outcome": string(outcome), "reply_number": reply.Number}
		return reason, data, cs.notifyApplicant(ctx, tx, c, "case.decided", map[string]any{"outcome": string(outcome), "reason": reason, "reply_number": reply.Number})
	})
}

// ErrInvalidOutcome means the outcome is not approved, rejected or partial.
var ErrInvalidOutcome = fmt.Errorf("outcome must be approved, rejected or partial")

// Close closes a decided case.
func (cs *Cases) Close(ctx context.Context, u *identity.User, id int64, reason string) (*Case, error) {
	if !mayProcess(u) {
		return nil, ErrNotAllowed
	}
	return cs.change(ctx, u, id, "closed", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if c.Status != Decided {
			return "", nil, ErrInvalidTransition
		}
		c.Status, c.ClosedAt = Closed, time.Now().UTC().Truncate(time.Microsecond)
		return strings.TrimSpace(reason), nil, nil
	})
}

// Withdraw lets the applicant withdraw a request the city hall has not yet decided.
func (cs *Cases) Withdraw(ctx context.Context, u *identity.User, id int64, reason string) (*Case, error) {
	if u == nil || u.Role != identity.Citizen {
		return nil, ErrNotAllowed
	}
	return cs.change(ctx, u, id, "withdrawn", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if !c.Status.Open() && c.Status != InfoRequested {
			return "", nil, ErrInvalidTransition
		}
		c.Status, c.PausedOn, c.ClosedAt = Withdrawn, time.Time{}, time.Now().UTC().Truncate(time.Microsecond)
		return strings.TrimSpace(reason), nil, nil
	})
}

// Reopen takes a decided case back into processing, for a person who reverses a
// decision (an automated one, or their own on review). The decision is kept in the
// timeline; the reason is required and the applicant is told.
func (cs *Cases) Reopen(ctx context.Context, u *identity.User, id int64, reason string) (*Case, error) {
	if u == nil || (u.Role != identity.Head && u.Role != identity.Worker && u.Role != identity.Admin) {
		return nil, ErrNotAllowed
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, ErrReasonRequired
	}
	return cs.change(ctx, u, id, "reopened", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if c.Status != Decided {
			return "", nil, ErrInvalidTransition
		}
		previous := string(c.Outcome)
		c.Status, c.Outcome, c.DecisionReason, c.DecidedAt = InProgress, "", "", time.Time{}
		if c.AssigneeID == 0 && u.Role != identity.Admin {
			c.AssigneeID = u.ID
		}
		return reason, map[string]any{"previous_outcome": previous}, cs.notifyApplicant(ctx, tx, c, "case.reopened", map[string]any{"reason": reason})
	})
}
