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
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

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
	// Concurrency is how many jobs one worker processes at once (default 4).
	Concurrency int
	// Finder returns the service finder over the catalogue in force (the portal's
	// search); with it the worker sees requests filed under the wrong service and
	// petitions that belong to another institution (routing.go). Nil: it does not.
	Finder func() *Finder
}

// NewWorker compiles every rule of the catalogue against Facts; a rule that does
// not type-check stops the start, rather than failing on a citizen's request.
func NewWorker(db *store.DB, cs *cases.Cases, cat *catalog.Live, log *slog.Logger) (*Worker, error) {
	if log == nil {
		log = slog.Default()
	}
	w := &Worker{db: db, cases: cs, catalog: cat, log: log, programs: map[string]*vm.Program{}, wake: make(chan struct{}, 1), now: time.Now, Concurrency: 4}
	for _, s := range cat.Base().Services() {
		for _, name := range s.Sources {
			if _, ok := gatherers[name]; !ok {
				return nil, fmt.Errorf("service %s reads unknown source %q", s.Code, name)
			}
		}
		for _, r := range s.Rules {
			prog, err := expr.Compile(r.When, expr.Env(Facts{}), expr.AsBool())
			if err != nil {
				return nil, fmt.Errorf("service %s, rule %s v%d: %w", s.Code, r.ID, r.Version, err)
			}
			w.programs[ruleKey(r)] = prog
		}
	}
	cs.OnFiled(w.enqueue)
	cs.OnAnswered(w.enqueue)
	return w, nil
}

func ruleKey(r *catalog.Rule) string { return fmt.Sprintf("%s@%d", r.ID, r.Version) }

// enqueue queues a job for a case, inside the transaction that filed it or recorded
// the applicant's answer.
func (w *Worker) enqueue(ctx context.Context, tx *store.Tx, c *cases.Case) error {
	now := time.Now().UnixMicro()
	_, err := tx.ExecContext(ctx, `INSERT INTO clerk_jobs (case_id, next_at, created_at, updated_at) VALUES ($1, $2, $2, $2)
		ON CONFLICT (case_id) DO UPDATE SET state = 'pending', attempts = 0, next_at = excluded.next_at, last_error = '', updated_at = excluded.updated_at`, c.ID, now)
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
	// Jobs of different cases are independent: work them Concurrency at a time, so
	// one replica keeps the CPU busy while another job waits on the database.
	sem := make(chan struct{}, max(1, w.Concurrency))
	errs := make(chan error, len(jobs))
	for _, j := range jobs {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			errs <- w.finish(ctx, j.id, j.caseID, j.attempts, now)
		}()
	}
	var first error
	for range jobs {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return len(jobs), first
}

// finish processes one claimed job and records how it went: done, or pending again
// with backoff, or failed after MaxAttempts.
func (w *Worker) finish(ctx context.Context, jobID, caseID int64, attempts int, now int64) error {
	perr := w.process(ctx, caseID)
	state, next, msg := "done", now, ""
	if perr != nil {
		msg = perr.Error()
		if attempts+1 >= MaxAttempts {
			state = "failed"
		} else {
			state = "pending"
			next = w.now().Add(time.Duration(1<<attempts) * 10 * time.Second).UnixMicro()
		}
		w.log.Warn("virtual clerk: job failed", "case", caseID, "attempt", attempts+1, "err", perr)
	}
	// Only a job still in the state we claimed it in is finished here: if the
	// applicant answered meanwhile, the job was queued again and must stay so.
	_, err := w.db.Write().ExecContext(ctx, `UPDATE clerk_jobs SET state = $1, next_at = $2, last_error = $3, updated_at = $4
		WHERE id = $5 AND attempts = $6 AND state = 'pending'`, state, next, msg, w.now().UnixMicro(), jobID, attempts+1)
	return err
}

// process applies the service's rules to one case.
func (w *Worker) process(ctx context.Context, caseID int64) error {
	clerk := identity.VirtualClerk
	c, err := w.cases.Get(ctx, clerk, caseID)
	if err != nil {
		return err
	}
	svc, ok := w.catalog.Service(c.Service)
	if !ok {
		return nil // nothing to automate: people handle it
	}
	if c.Outcome == cases.Forwarded {
		// A retry after the petition was forwarded: make and send the letter if it is missing.
		return w.sendForwardLetter(ctx, c)
	}
	steps, err := Steps(ctx, w.db.Read(), c.ID)
	if err != nil {
		return err
	}
	var last *Step
	if len(steps) > 0 {
		last = &steps[len(steps)-1]
	}
	switch {
	case c.Status == cases.Decided && last != nil && last.Outcome == catalog.RuleResolve && last.ReviewedAt.IsZero():
		// A retry after the decision was stored: issue the document if it is missing.
		r := svc.Rule(last.Rule, last.Version)
		if r == nil {
			return nil
		}
		facts, err := w.facts(ctx, c, svc)
		if err != nil {
			return err
		}
		a, err := w.answer(ctx, c, svc, &facts, r)
		if err != nil {
			return err
		}
		return w.issue(ctx, c, a.Paragraphs, a.Table)
	case c.Status == cases.Registered && last == nil:
		// The first look: before its rules, is the request under the right service?
		if p := w.proposeReroute(c, svc); p != nil {
			to, _ := w.catalog.Service(p.Service)
			return w.recordInputs(ctx, c.ID, rerouteRule(svc, to), p, OutcomeReroute)
		}
	case c.Status == cases.Registered && last.Outcome != OutcomeReroute:
	case c.Status == cases.InProgress && c.AssigneeID == 0 && last != nil && last.Outcome == catalog.RuleAsk:
		// The applicant answered what the virtual civil servant asked: look again.
	default:
		return nil // a person has the case, or decides on a proposal to move it
	}
	if len(svc.Rules) == 0 {
		return nil // nothing to automate: people handle it
	}
	facts, err := w.facts(ctx, c, svc)
	if err != nil {
		return err
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
		return w.act(ctx, c, svc, r, facts)
	}
	return w.record(ctx, c.ID, noRule, facts, catalog.RuleEscalate)
}

// noRule is recorded when no rule of the service holds: people decide.
var noRule = &catalog.Rule{ID: "general/fara-regula", Version: 1, Then: catalog.RuleEscalate,
	Explain: catalog.Text{RO: "Nicio regulă automată nu se aplică acestei cereri; o soluționează un funcționar.",
		EN: "No automatic rule applies to this request; a civil servant handles it.",
		HU: "Erre a kérelemre nem vonatkozik automatikus szabály; egy ügyintéző intézi."}}

// askedTwice is recorded instead of asking the applicant a second time.
var askedTwice = &catalog.Rule{ID: "general/a-doua-cerere", Version: 1, Then: catalog.RuleEscalate,
	Explain: catalog.Text{RO: "Am cerut deja o dată completarea cererii, iar răspunsul nu a lămurit-o; un funcționar o preia.",
		EN: "We already asked once for the request to be completed and the answer did not settle it; a civil servant takes it over.",
		HU: "Egyszer már kértük a kérelem kiegészítését, és a válasz nem tisztázta; egy ügyintéző veszi át."}}

// act records the step and does what the rule says.
func (w *Worker) act(ctx context.Context, c *cases.Case, svc *catalog.Service, r *catalog.Rule, facts Facts) error {
	clerk := identity.VirtualClerk
	switch r.Then {
	case catalog.RuleResolve:
		a, err := w.answer(ctx, c, svc, &facts, r)
		var doubt *Doubt
		if errors.As(err, &doubt) {
			return w.record(ctx, c.ID, &catalog.Rule{ID: doubt.Rule, Version: 1, Then: catalog.RuleEscalate, Explain: doubt.Explain}, facts, catalog.RuleEscalate)
		}
		if err != nil {
			return err
		}
		if err := w.record(ctx, c.ID, r, facts, r.Then); err != nil {
			return err
		}
		decided, err := w.cases.Decide(ctx, clerk, c.ID, a.Outcome, a.Reason)
		if err != nil {
			return err
		}
		return w.issue(ctx, decided, a.Paragraphs, a.Table)
	case catalog.RuleAsk:
		if facts.Asked > 0 {
			return w.record(ctx, c.ID, askedTwice, facts, catalog.RuleEscalate)
		}
		if err := w.record(ctx, c.ID, r, facts, r.Then); err != nil {
			return err
		}
		_, err := w.cases.RequestInfo(ctx, clerk, c.ID, r.Explain.RO)
		return err
	case catalog.RuleForward:
		return w.forward(ctx, c, r, facts)
	}
	// escalate: the case waits in its department's queue, with the reason recorded
	return w.record(ctx, c.ID, r, facts, r.Then)
}

// answer asks the service's answerer for the document's text; without one, the
// rule's explanation is the answer.
func (w *Worker) answer(ctx context.Context, c *cases.Case, svc *catalog.Service, f *Facts, r *catalog.Rule) (Answer, error) {
	a := Answer{Reason: r.Explain.RO, Paragraphs: []string{r.Explain.RO}}
	if fn, ok := answerers[svc.Code]; ok {
		var err error
		if a, err = fn(ctx, w, c, f, r); err != nil {
			return a, err
		}
	}
	if a.Outcome == "" {
		a.Outcome = cases.Approved
	}
	if a.Reason == "" {
		a.Reason = r.Explain.RO
	}
	return a, nil
}

// record stores an automated step: rule and version, inputs, outcome, explanation.
func (w *Worker) record(ctx context.Context, caseID int64, r *catalog.Rule, facts Facts, outcome string) error {
	return w.recordInputs(ctx, caseID, r, facts, outcome)
}

// recordInputs stores a step whose inputs are not the rules' facts (a proposal to
// move the request).
func (w *Worker) recordInputs(ctx context.Context, caseID int64, r *catalog.Rule, facts any, outcome string) error {
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
