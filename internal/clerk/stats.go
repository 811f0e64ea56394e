package clerk

import (
	"context"
	"sort"

	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/store"
)

// ServiceAutomation counts what the virtual civil servant did with one service's
// requests: answered itself, handed to a person, or asked the applicant.
type ServiceAutomation struct {
	Service                    string
	Resolved, Escalated, Asked int
}

// Stats counts the automated steps per service, for one department ("" for all).
func Stats(ctx context.Context, q store.Querier, department string) ([]ServiceAutomation, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.service, s.outcome, COUNT(*) FROM clerk_steps s JOIN cases c ON c.id = s.case_id
		WHERE c.department = $1 OR $1 = '' GROUP BY c.service, s.outcome`, department)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := map[string]*ServiceAutomation{}
	for rows.Next() {
		var service, outcome string
		var n int
		if err := rows.Scan(&service, &outcome, &n); err != nil {
			return nil, err
		}
		s := by[service]
		if s == nil {
			s = &ServiceAutomation{Service: service}
			by[service] = s
		}
		switch outcome {
		case catalog.RuleResolve:
			s.Resolved += n
		case catalog.RuleEscalate:
			s.Escalated += n
		case catalog.RuleAsk:
			s.Asked += n
		}
	}
	out := make([]ServiceAutomation, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out, rows.Err()
}
