package catalog

import (
	"time"

	"github.com/expr-lang/expr"

	"github.com/cetate/cetate/internal/calendar"
)

// Rule is one rule of the virtual civil servant for a service, kept with the
// service and versioned: a decision records the rule's id and version, so it can be
// explained and reviewed later even after the rule changed.
type Rule struct {
	// ID names the rule, e.g. "certificat-fiscal/rol-fiscal".
	ID      string `yaml:"id" json:"id"`
	Version int    `yaml:"version" json:"version"`
	// ValidFrom and ValidTo (YYYY-MM-DD, ValidTo optional) bound the days the rule
	// applies to, by registration date: a change of law is a new version.
	ValidFrom string `yaml:"valid_from" json:"valid_from"`
	ValidTo   string `yaml:"valid_to" json:"valid_to,omitempty"`
	// When is a boolean expression in expr-lang (https://expr-lang.org) over the
	// facts the virtual civil servant gathers for the service.
	When string `yaml:"when" json:"when"`
	// Then is what happens when the expression holds: resolve (answer without a
	// person), escalate (hand to a person), ask (request information) or forward
	// (send a petition to the competent institution, OG 27/2002 art. 6¹).
	Then string `yaml:"then" json:"then"`
	// Explain says why, in plain words, to the citizen and the case worker.
	Explain Text `yaml:"explain" json:"explain"`
}

// The outcomes a rule may lead to.
const (
	RuleResolve  = "resolve"
	RuleEscalate = "escalate"
	RuleAsk      = "ask"
	RuleForward  = "forward"
)

// Rule returns the service's rule of that id and version, or nil.
func (s *Service) Rule(id string, version int) *Rule {
	for _, r := range s.Rules {
		if r.ID == id && r.Version == version {
			return r
		}
	}
	return nil
}

// AppliesOn reports whether the rule is in force on a registration date.
func (r *Rule) AppliesOn(day time.Time) bool {
	from, err := calendar.ParseDate(r.ValidFrom)
	if err != nil || day.Before(from) {
		return false
	}
	if r.ValidTo != "" {
		to, err := calendar.ParseDate(r.ValidTo)
		if err != nil || day.After(to) {
			return false
		}
	}
	return true
}

func (c *checker) checkRule(i int, r *Rule) {
	if r == nil {
		c.add(p("rules", i), "empty rule")
		return
	}
	if r.ID == "" {
		c.add(p("rules", i, "id"), "missing")
	}
	if r.Version < 1 {
		c.add(p("rules", i, "version"), "must be 1 or more")
	}
	if _, err := calendar.ParseDate(r.ValidFrom); err != nil {
		c.add(p("rules", i, "valid_from"), "%q is not a date YYYY-MM-DD", r.ValidFrom)
	}
	if r.ValidTo != "" {
		if _, err := calendar.ParseDate(r.ValidTo); err != nil {
			c.add(p("rules", i, "valid_to"), "%q is not a date YYYY-MM-DD", r.ValidTo)
		}
	}
	switch r.Then {
	case RuleResolve, RuleEscalate, RuleAsk, RuleForward:
	default:
		c.add(p("rules", i, "then"), "%q is not resolve, escalate, ask or forward", r.Then)
	}
	// Syntax only: the virtual civil servant type-checks each rule against the
	// facts it gathers when it starts, and refuses to start on a rule that fails.
	if _, err := expr.Compile(r.When, expr.AllowUndefinedVariables(), expr.AsBool()); err != nil {
		c.add(p("rules", i, "when"), "not a valid expression: %v", err)
	}
	c.text(p("rules", i, "explain"), r.Explain, true)
}
