package clerk

// The virtual civil servant's worker. Every filed request gets a durable job in the
// filing's own transaction; the worker claims due jobs (FOR UPDATE SKIP LOCKED on
// PostgreSQL, so several replicas share the queue), gathers the facts the service's
// rules need, applies the first rule in force that holds, records the step (rule,
// version, inputs, outcome, explanation) and acts: resolves, asks, or leaves the case
// to a person. A failing job is retried with backoff and, after MaxAttempts, left to
// people.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
)

// Facts are what rules may read. Field names in rules are the expr tags.
type Facts struct {
	Applicant ApplicantFacts    `expr:"applicant" json:"applicant"`
	Fields    map[string]string `expr:"fields" json:"fields"`
	Tax       TaxFacts          `expr:"tax" json:"tax"`
}

// ApplicantFacts describe the account that filed the request.
type ApplicantFacts struct {
	CNPVerified bool   `expr:"cnp_verified" json:"cnp_verified"`
	CNP         string `expr:"cnp" json:"cnp"`
}

// TaxFacts come from the local tax roll, for the CNP or CUI in the form.
type TaxFacts struct {
	Found   bool    `expr:"found" json:"found"`
	DebtLei float64 `expr:"debt_lei" json:"debt_lei"`
	Name    string  `expr:"name" json:"name,omitempty"`
}

// MaxAttempts bounds the retries of one job.
const MaxAttempts = 8

// Worker runs the virtual civil servant.
type Worker struct {
	db       *store.DB
	cases    *cases.Cases
	catalog  *catalog.Live
	log      *slog.Logger
	programs map[string]*vm.Program // by rule id and version
	wake     chan struct{}
	now      func() time.Time
	// Issuer signs the answers the worker decides; nil issues no document.
	Issuer *Issuer
}

// NewWorker compiles every rule of the catalogue against Facts; a rule that does
// not type-check stops the start, rather than failing on a citizen's request.
func NewWorker(db *store.DB, cs *cases.Cases, cat *catalog.Live, log *slog.Logger) (*Worker, error) {
	if log == nil {
		log = slog.Default()
	}
	w := &Worker{db: db, cases: cs, catalog: cat, log: log, programs: map[string]*vm.Program{}, wake: make(chan struct{}, 1), now: time.Now}
	for _, s := range cat.Base().Services() {
		for _, r := range s.Rules {
			prog, err := expr.Compile(r.When, expr.Env(Facts{}), expr.AsBool())
			if err != nil {
				return nil, fmt.Errorf("service %s, rule %s v%d: %w", s.Code, r.ID, r.Version, err)
			}
			w.programs[ruleKey(r)] = prog
		}
	}
	cs.OnFiled(w.enqueue)
	return w, nil
}

func ruleKey(r *catalog.Rule) string { return fmt.Sprintf("%s@%d", r.ID, r.Version) }

// enqueue queues a job for a filed case, inside the filing's transaction.
func (w *Worker) enqueue(ctx context.Context, tx *store.Tx, c *cases.Case) error {
	now := time.Now().UnixMicro()
	_, err := tx.ExecContext(ctx, `INSERT INTO clerk_jobs (case_id, next_at, created_at, updated_at) VALUES ($1, $2, $2, $2)`, c.ID, now)
	if err != nil {
		return store.Map(err)
	}
	tx.AfterCommit(w.Wake)
	return nil
}

// Wake makes Run look at the queue now; it never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works the queue until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.log.Error("virtual clerk", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.wake:
		}
	}
}

// lease is how long a claimed job is hidden from other replicas.
const lease = 5 * time.Minute

// RunOnce claims up to 16 due jobs and processes them; it returns how many it took.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	type job struct {
		id, caseID int64
		attempts   int
	}
	var jobs []job
	now := w.now().UnixMicro()
	err := w.db.Tx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, case_id, attempts FROM clerk_jobs WHERE state = 'pending' AND next_at <= $1
			ORDER BY next_at, id LIMIT 16`+tx.Dialect().ForUpdateSkipLocked(), now)
		if err != nil {
			return err
		}
		for rows.Next() {
			var j job
			if err := rows.Scan(&j.id, &j.caseID, &j.attempts); err != nil {
				rows.Close()
				return err
			}
			jobs = append(jobs, j)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, j := range jobs {
			if _, err := tx.ExecContext(ctx, `UPDATE clerk_jobs SET attempts = attempts + 1, next_at = $1, updated_at = $2 WHERE id = $3`,
				now+lease.Microseconds(), now, j.id); err != nil {
				return store.Map(err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		perr := w.process(ctx, j.caseID)
		state, next, msg := "done", now, ""
		if perr != nil {
			msg = perr.Error()
			if j.attempts+1 >= MaxAttempts {
				state = "failed"
			} else {
				state = "pending"
				next = w.now().Add(time.Duration(1<<j.attempts) * 10 * time.Second).UnixMicro()
			}
			w.log.Warn("virtual clerk: job failed", "case", j.caseID, "attempt", j.attempts+1, "err", perr)
		}
		if _, err := w.db.Write().ExecContext(ctx, `UPDATE clerk_jobs SET state = $1, next_at = $2, last_error = $3, updated_at = $4 WHERE id = $5`,
			state, next, msg, w.now().UnixMicro(), j.id); err != nil {
			return len(jobs), err
		}
	}
	return len(jobs), nil
}

// process applies the service's rules to one case.
func (w *Worker) process(ctx context.Context, caseID int64) error {
	clerk := identity.VirtualClerk
	c, err := w.cases.Get(ctx, clerk, caseID)
	if err != nil {
		return err
	}
	svc, ok := w.catalog.Service(c.Service)
	if !ok || len(svc.Rules) == 0 {
		return nil // nothing to automate: people handle it
	}
	facts, err := w.facts(ctx, c)
	if err != nil {
		return err
	}
	if c.Status == cases.Decided {
		// A retry after the decision was stored: issue the document if it is missing.
		steps, err := Steps(ctx, w.db.Read(), c.ID)
		if err != nil || len(steps) == 0 || steps[len(steps)-1].Outcome != catalog.RuleResolve {
			return err
		}
		p, t := answerText(steps[len(steps)-1].Explanation.RO, facts.Tax)
		return w.issue(ctx, c, p, t)
	}
	if c.Status != cases.Registered {
		return nil
	}
	for _, r := range svc.Rules {
		if !r.AppliesOn(c.RegisteredOn) {
			continue
		}
		prog, ok := w.programs[ruleKey(r)]
		if !ok {
			return fmt.Errorf("rule %s not compiled", ruleKey(r))
		}
		out, err := expr.Run(prog, facts)
		if err != nil {
			return fmt.Errorf("rule %s: %w", ruleKey(r), err)
		}
		if holds, _ := out.(bool); !holds {
			continue
		}
		return w.act(ctx, c, r, facts)
	}
	return w.record(ctx, c.ID, &catalog.Rule{ID: "general/fara-regula", Version: 1, Then: catalog.RuleEscalate,
		Explain: catalog.Text{RO: "Nicio regulă automată nu se aplică acestei cereri; o soluționează un funcționar.",
			EN: "No automatic rule applies to this request; a civil servant handles it.",
			HU: "Erre a kérelemre nem vonatkozik automatikus szabály; egy ügyintéző intézi."}}, facts, catalog.RuleEscalate)
}

func (w *Worker) facts(ctx context.Context, c *cases.Case) (Facts, error) {
	f := Facts{Fields: c.Fields}
	if f.Fields == nil {
		f.Fields = map[string]string{}
	}
	if c.ApplicantID != 0 {
		u, err := identity.UserByID(ctx, w.db.Read(), c.ApplicantID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return f, err
		}
		if u != nil {
			f.Applicant = ApplicantFacts{CNPVerified: u.CNPVerified, CNP: u.CNP}
		}
	}
	id := c.Fields["cnp"]
	if id == "" {
		id = c.Fields["cui"]
	}
	if id != "" {
		rec, err := sources.TaxRecordFor(ctx, w.db.Read(), id)
		switch {
		case err == nil:
			f.Tax = TaxFacts{Found: true, DebtLei: float64(rec.DebtBani) / 100, Name: rec.Name}
		case !errors.Is(err, store.ErrNotFound):
			return f, err
		}
	}
	return f, nil
}

// act records the step and does what the rule says.
func (w *Worker) act(ctx context.Context, c *cases.Case, r *catalog.Rule, facts Facts) error {
	if err := w.record(ctx, c.ID, r, facts, r.Then); err != nil {
		return err
	}
	clerk := identity.VirtualClerk
	switch r.Then {
	case catalog.RuleResolve:
		reason := r.Explain.RO + " " + debtSentence(facts.Tax)
		decided, err := w.cases.Decide(ctx, clerk, c.ID, cases.Approved, strings.TrimSpace(reason))
		if err != nil {
			return err
		}
		p, t := answerText(r.Explain.RO, facts.Tax)
		return w.issue(ctx, decided, p, t)
	case catalog.RuleAsk:
		_, err := w.cases.RequestInfo(ctx, clerk, c.ID, r.Explain.RO)
		return err
	}
	return nil // escalate: the case waits in its department's queue, with the reason recorded
}

// answerText is the body of an automatic answer: the explanation and, for the tax
// roll, the debts found.
func answerText(explain string, t TaxFacts) ([]string, [][]string) {
	p := []string{explain}
	var table [][]string
	if t.Found {
		p = append(p, debtSentence(t))
		table = [][]string{{"Contribuabil", "Obligații restante (lei)"}, {t.Name, strings.Replace(fmt.Sprintf("%.2f", t.DebtLei), ".", ",", 1)}}
	}
	return p, table
}

func debtSentence(t TaxFacts) string {
	if !t.Found {
		return ""
	}
	if t.DebtLei == 0 {
		return "Nu există obligații de plată restante la bugetul local."
	}
	return fmt.Sprintf("Obligații de plată restante la bugetul local: %s lei.", strings.Replace(fmt.Sprintf("%.2f", t.DebtLei), ".", ",", 1))
}

// record stores an automated step: rule and version, inputs, outcome, explanation.
func (w *Worker) record(ctx context.Context, caseID int64, r *catalog.Rule, facts Facts, outcome string) error {
	inputs, err := json.Marshal(facts)
	if err != nil {
		return err
	}
	explanation, _ := json.Marshal(r.Explain)
	_, err = w.db.Write().ExecContext(ctx, `INSERT INTO clerk_steps (case_id, at, rule, version, inputs, outcome, explanation) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		caseID, w.now().UnixMicro(), r.ID, r.Version, string(inputs), outcome, string(explanation))
	return store.Map(err)
}

// Step is one automated step of a case, for the citizen and the case worker.
type Step struct {
	ID          int64
	At          time.Time
	Rule        string
	Version     int
	Outcome     string
	Explanation catalog.Text
	Inputs      json.RawMessage
	ReviewedBy  int64
	ReviewedAt  time.Time
	ReviewNote  string
}

// Steps returns the automated steps of a case, oldest first.
func Steps(ctx context.Context, q store.Querier, caseID int64) ([]Step, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, rule, version, outcome, explanation, inputs, COALESCE(reviewed_by, 0), reviewed_at, review_note
		FROM clerk_steps WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var s Step
		var at, reviewedAt int64
		var expl, inputs string
		if err := rows.Scan(&s.ID, &at, &s.Rule, &s.Version, &s.Outcome, &expl, &inputs, &s.ReviewedBy, &reviewedAt, &s.ReviewNote); err != nil {
			return nil, err
		}
		if reviewedAt != 0 {
			s.ReviewedAt = time.UnixMicro(reviewedAt).UTC()
		}
		s.At, s.Inputs = time.UnixMicro(at).UTC(), json.RawMessage(inputs)
		json.Unmarshal([]byte(expl), &s.Explanation)
		out = append(out, s)
	}
	return out, rows.Err()
}
