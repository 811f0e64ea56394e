package clerk

import (
	"context"
	"sort"

	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/store"
)

// ServiceAutomation counts what the virtual civil servant did with one service's
// requests: answered itself, handed to a person, or asked the applicant; and how
// many were routed elsewhere: moved to another service (Rerouted, counted under
// the service they were filed as) or forwarded to another institution.
type ServiceAutomation struct {
	Service                    string
	Resolved, Escalated, Asked int
	Rerouted, Forwarded        int
}

// Stats counts the automated steps and the routing per service, for one
// department ("" for all).
func Stats(ctx context.Context, q store.Querier, department string) ([]ServiceAutomation, error) {
	by := map[string]*ServiceAutomation{}
	at := func(service string) *ServiceAutomation {
		s := by[service]
		if s == nil {
			s = &ServiceAutomation{Service: service}
			by[service] = s
		}
		return s
	}
	err := scanCounts(ctx, q, `SELECT c.service, s.outcome, COUNT(*) FROM clerk_steps s JOIN cases c ON c.id = s.case_id
		WHERE c.department = $1 OR $1 = '' GROUP BY c.service, s.outcome`, department, func(service, outcome string, n int) {
		switch outcome {
		case catalog.RuleResolve:
			at(service).Resolved += n
		case catalog.RuleEscalate:
			at(service).Escalated += n
		case catalog.RuleAsk:
			at(service).Asked += n
		}
	})
	if err != nil {
		return nil, err
	}
	// A moved request counts for the service and department it left: that is
	// where people keep filing it by mistake.
	err = scanCounts(ctx, q, `SELECT from_service, 'rerouted', COUNT(DISTINCT case_id) FROM case_reroutes
		WHERE from_department = $1 OR $1 = '' GROUP BY from_service`, department, func(service, _ string, n int) {
		at(service).Rerouted += n
	})
	if err != nil {
		return nil, err
	}
	err = scanCounts(ctx, q, `SELECT c.service, 'forwarded', COUNT(*) FROM case_forwards f JOIN cases c ON c.id = f.case_id
		WHERE c.department = $1 OR $1 = '' GROUP BY c.service`, department, func(service, _ string, n int) {
		at(service).Forwarded += n
	})
	if err != nil {
		return nil, err
	}
	out := make([]ServiceAutomation, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out, nil
}

// scanCounts runs a query of (service, outcome, count) rows and hands each to fn.
func scanCounts(ctx context.Context, q store.Querier, query, department string, fn func(service, outcome string, n int)) error {
	rows, err := q.QueryContext(ctx, query, department)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var service, outcome string
		var n int
		if err := rows.Scan(&service, &outcome, &n); err != nil {
			return err
		}
		fn(service, outcome, n)
	}
	return rows.Err()
}
