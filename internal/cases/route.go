package cases

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// Routing: a request filed under the wrong service is moved to the right one by a
// person (Reroute), and a petition that belongs to another authority is forwarded
// to it (Forward), as OG 27/2002 art. 6¹ asks.

// Forwarded is the outcome of a petition sent to the institution competent for it:
// the city hall's part ends there, and the institution answers the petitioner.
const Forwarded Outcome = "forwarded"

// ForwardDays is the term, in calendar days from registration, for forwarding a
// petition sent to the wrong authority: OG 27/2002 art. 6¹ alin. (1), "în termen de
// 5 zile de la înregistrare".
const ForwardDays = 5

// Errors of routing.
var (
	ErrSameService        = errors.New("the case is already in that service")
	ErrUnknownInstitution = errors.New("unknown institution")
	ErrAutomaticReroute   = errors.New("only a person may move a case to another service")
)

// ForwardBy is the last day to forward c to another institution: 5 calendar days
// from its registration, moved to the next working day like any legal term.
func (cs *Cases) ForwardBy(c *Case) time.Time {
	return cs.calendar.Deadline(c.RegisteredOn, calendar.Term{Days: ForwardDays})
}

// Reroute moves an open case to the service it belongs to, and so to that
// service's department and queue. The registry number stays; the legal term is the
// new service's, counted from the original registration (the citizen filed on that
// day), with the days the clock was stopped; an extension granted under the old
// service does not carry over (the new department extends within its own law). The
// case waits unassigned in the new department; the applicant is told. Only a
// person of the case's current department (or an admin) may do it.
func (cs *Cases) Reroute(ctx context.Context, u *identity.User, id int64, service, reason string) (*Case, error) {
	if u == nil || (u.Role != identity.Worker && u.Role != identity.Head && u.Role != identity.Admin) {
		if u != nil && u.Role == identity.System {
			return nil, ErrAutomaticReroute
		}
		return nil, ErrNotAllowed
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, ErrReasonRequired
	}
	svc, ok := cs.catalog.Service(service)
	if !ok {
		return nil, ErrUnknownService
	}
	return cs.change(ctx, u, id, "rerouted", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if !c.Status.Open() {
			return "", nil, ErrInvalidTransition
		}
		if c.Service == svc.Code {
			return "", nil, ErrSameService
		}
		fromService, fromDept, oldDeadline, oldExtension := c.Service, c.Department, c.LegalDeadline, c.ExtendedDays
		c.Service, c.Department, c.Term, c.ExtendedDays = svc.Code, svc.Department, svc.LegalTerm, 0
		c.LegalDeadline = cs.deadline(c)
		c.Status, c.AssigneeID = Registered, 0
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET service = $1, department = $2, term_days = $3, term_working = $4 WHERE id = $5`,
			c.Service, c.Department, c.Term.Days, boolInt(c.Term.Working), c.ID); err != nil {
			return "", nil, store.Map(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_reroutes (case_id, at, from_service, to_service, from_department, to_department, actor_id, reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, nowMicro(), fromService, c.Service, fromDept, c.Department, store.NullID(u.ID), reason); err != nil {
			return "", nil, store.Map(err)
		}
		data := map[string]any{"from_service": fromService, "to_service": c.Service, "from_department": fromDept, "to_department": c.Department,
			"old_deadline": calendar.FormatDate(oldDeadline), "new_deadline": calendar.FormatDate(c.LegalDeadline), "dropped_extension_days": oldExtension}
		params := map[string]any{"service_name": svc.Name.RO, "reason": reason}
		if from, ok := cs.catalog.Service(fromService); ok {
			params["from_service_name"] = from.Name.RO
		}
		if d, ok := cs.catalog.Department(c.Department); ok {
			params["department_name"] = d.Name.RO
		}
		return reason, data, cs.notifyApplicant(ctx, tx, c, "case.rerouted", params)
	})
}

// Reroute is one move of a case from a service to another.
type Reroute struct {
	CaseID                       int64
	At                           time.Time
	FromService, ToService       string
	FromDepartment, ToDepartment string
	ActorID                      int64
	Reason                       string
}

// Reroutes returns the moves of a case, oldest first.
func Reroutes(ctx context.Context, q store.Querier, caseID int64) ([]Reroute, error) {
	rows, err := q.QueryContext(ctx, `SELECT case_id, at, from_service, to_service, from_department, to_department, COALESCE(actor_id, 0), reason
		FROM case_reroutes WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reroute
	for rows.Next() {
		var r Reroute
		var at int64
		if err := rows.Scan(&r.CaseID, &at, &r.FromService, &r.ToService, &r.FromDepartment, &r.ToDepartment, &r.ActorID, &r.Reason); err != nil {
			return nil, err
		}
		r.At = time.UnixMicro(at).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// Forwarding is where a forwarded petition went: the institution, and the outgoing
// registry entry of the letter that sent it.
type Forwarding struct {
	CaseID      int64
	Institution string // code in catalog/institutions.yaml
	EntryID     int64
	At          time.Time
	ActorID     int64
	Reason      string
}

// ForwardingOf returns where case caseID was forwarded, or store.ErrNotFound.
func ForwardingOf(ctx context.Context, q store.Querier, caseID int64) (*Forwarding, error) {
	var f Forwarding
	var at int64
	err := q.QueryRowContext(ctx, `SELECT case_id, institution, entry_id, at, COALESCE(actor_id, 0), reason FROM case_forwards WHERE case_id = $1`, caseID).
		Scan(&f.CaseID, &f.Institution, &f.EntryID, &at, &f.ActorID, &f.Reason)
	if err != nil {
		return nil, store.Map(err)
	}
	f.At = time.UnixMicro(at).UTC()
	return &f, nil
}

// Forward sends an open petition to the institution competent for it (OG 27/2002
// art. 6¹): it registers the outgoing letter addressed to the institution, linked
// to the petition's entry, ends the case for the city hall (closed, outcome
// forwarded, the reason naming the institution) and tells the applicant to whom it
// went and how to reach them. The letter itself is made and sent by the caller
// (the virtual civil servant's Forward), with the number this returns.
func (cs *Cases) Forward(ctx context.Context, u *identity.User, id int64, institution, reason string) (*Case, error) {
	if !mayProcess(u) {
		return nil, ErrNotAllowed
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, ErrReasonRequired
	}
	inst, ok := cs.catalog.Institution(institution)
	if !ok {
		return nil, ErrUnknownInstitution
	}
	return cs.change(ctx, u, id, "forwarded", func(tx *store.Tx, c *Case) (string, map[string]any, error) {
		if !c.Status.Open() {
			return "", nil, ErrInvalidTransition
		}
		entry, err := cs.registerForward(ctx, tx, u, c, inst)
		if err != nil {
			return "", nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_forwards (case_id, institution, entry_id, at, actor_id, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
			c.ID, inst.Code, entry.ID, nowMicro(), store.NullID(u.ID), reason); err != nil {
			return "", nil, store.Map(err)
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		c.Status, c.Outcome, c.DecidedAt, c.ClosedAt, c.PausedOn = Closed, Forwarded, now, now, time.Time{}
		c.DecisionReason = ForwardReason(inst, entry.Number, reason)
		data := map[string]any{"institution": inst.Code, "institution_name": inst.Name.RO, "reply_number": entry.Number}
		return reason, data, cs.notifyApplicant(ctx, tx, c, "case.forwarded", map[string]any{"institution": inst.Name.RO,
			"contact": inst.Contact(), "handles": inst.Handles.RO, "reason": reason, "reply_number": entry.Number})
	})
}

// ForwardReason is the decision text of a forwarded petition, in Romanian.
func ForwardReason(inst *catalog.Institution, letterNumber, reason string) string {
	return "Petiția a fost transmisă, conform art. 6¹ din OG nr. 27/2002, instituției competente: " + inst.Name.RO +
		" (" + inst.Contact() + "), cu adresa nr. " + letterNumber + ". Motivul: " + reason
}

// registerForward registers the outgoing letter that sends c to inst.
func (cs *Cases) registerForward(ctx context.Context, tx *store.Tx, u *identity.User, c *Case, inst *catalog.Institution) (registry.Entry, error) {
	entries, err := registry.ForCase(ctx, tx, c.ID)
	if err != nil {
		return registry.Entry{}, err
	}
	var incoming registry.Entry
	for _, e := range entries {
		if e.Direction == registry.Incoming {
			incoming = e
			break
		}
	}
	register, compartment := "general", ""
	if svc, ok := cs.catalog.Service(c.Service); ok {
		register = svc.Register
	}
	if d, ok := cs.catalog.Department(c.Department); ok {
		compartment = d.Compartment
	}
	return cs.registry.Register(ctx, tx, registry.NewEntry{Register: register, Direction: registry.Outgoing,
		Department: c.Department, Compartment: compartment, Subject: "Transmitere petiție nr. " + c.Number + " (OG 27/2002 art. 6¹)",
		Correspondent: inst.Name.RO, Channel: "email", CaseID: c.ID, ReplyTo: incoming.ID, CreatedBy: u.ID, CreatedByRole: string(u.Role)})
}
