package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// AxeEnv names the variable that may point at another axe.min.js than
// <repo root>/node_modules/axe-core/axe.min.js (installed by npm ci).
const AxeEnv = "CETATE_AXE"

// AxeTags are the rule sets Axe runs: WCAG 2.0 and 2.1, levels A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeTimeout bounds one axe-core run; a long page takes a few seconds.
const axeTimeout = 30 * time.Second

// AxeViolation is one axe-core rule that the page breaks, with the elements
// that break it.
type AxeViolation struct {
	ID          string    `json:"id"`     // rule, such as "image-alt" or "label"
	Impact      string    `json:"impact"` // minor, moderate, serious or critical
	Help        string    `json:"help"`   // one line saying what the rule wants
	HelpURL     string    `json:"helpUrl"`
	Description string    `json:"description"`
	Tags        []string  `json:"tags"`
	Nodes       []AxeNode `json:"nodes"`
}

// AxeNode is one element that breaks a rule.
type AxeNode struct {
	Target         []string `json:"target"` // CSS selectors; a shadow DOM path is joined with " >>> "
	HTML           string   `json:"html"`
	FailureSummary string   `json:"failureSummary"`
}

var axeSources struct {
	sync.Mutex
	byPath map[string]string
}

// axeSource reads axe.min.js once per test binary.
func axeSource() (path, src string, err error) {
	path = os.Getenv(AxeEnv)
	if path == "" {
		root, err := RepoRoot()
		if err != nil {
			return "", "", err
		}
		path = filepath.Join(root, "node_modules", "axe-core", "axe.min.js")
	}
	axeSources.Lock()
	defer axeSources.Unlock()
	if s, ok := axeSources.byPath[path]; ok {
		return path, s, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return path, "", err
	}
	if axeSources.byPath == nil {
		axeSources.byPath = map[string]string{}
	}
	axeSources.byPath[path] = string(b)
	return path, string(b), nil
}

// Axe runs axe-core's WCAG 2.0/2.1 A and AA rules (AxeTags) on the current page
// and returns the violations, none when the page passes. A missing axe.min.js
// skips the test outside CI and fails it under CI=true.
//
// axe-core is evaluated through DevTools (Runtime.evaluate), which the page's
// Content-Security-Policy does not govern: a <script> tag would be refused by
// the portal's policy, which allows no inline script.
func (p *Page) Axe() []AxeViolation {
	p.t.Helper()
	path, src, err := axeSource()
	if err != nil {
		Unavailable(p.t, fmt.Sprintf("axe-core (%s: %v; run npm ci at the repository root, or set %s)", path, err, AxeEnv))
	}
	tags, _ := json.Marshal(AxeTags)
	script := `(async () => {
		const r = await axe.run(document, {
			runOnly: {type: 'tag', values: ` + string(tags) + `},
			resultTypes: ['violations'],
			iframes: false,
		});
		return JSON.stringify(r.violations.map(v => ({
			id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
			description: v.description, tags: v.tags,
			nodes: v.nodes.map(n => ({
				target: n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : String(s)),
				html: n.html, failureSummary: n.failureSummary || '',
			})),
		})));
	})()`
	var out string
	ctx, cancel := context.WithTimeout(p.ctx, axeTimeout)
	defer cancel()
	err = func() error {
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object' && typeof axe.run === 'function'`))
		if err != nil {
			return err
		}
		if !loaded { // once per document: a navigation forgets it
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src+"\n;undefined")); err != nil {
				return fmt.Errorf("inject %s: %w", path, err)
			}
		}
		out, err = chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
		return err
	}()
	if err != nil {
		p.fail("Axe", err)
	}
	var vs []AxeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		p.t.Fatalf("testenv: Axe: decode axe-core's answer: %v", err)
	}
	return vs
}

// CheckAxe fails the test when Axe finds violations, listing each rule (id,
// impact, help, link) and the selectors of the elements that break it.
func (p *Page) CheckAxe() {
	p.t.Helper()
	vs := p.Axe()
	if len(vs) == 0 {
		return
	}
	p.t.Errorf("testenv: axe-core finds %d WCAG 2.1 A/AA violation(s) on %s:\n%s", len(vs), p.where(), FormatAxe(vs))
	p.t.FailNow()
}

// FormatAxe lists violations one rule per paragraph, for failure messages.
func FormatAxe(vs []AxeViolation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  %s (%s): %s\n    %s\n", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			html := strings.Join(strings.Fields(n.HTML), " ")
			if len(html) > 120 {
				html = html[:117] + "..."
			}
			fmt.Fprintf(&b, "    - %s  %s\n", strings.Join(n.Target, ", "), html)
		}
	}
	return b.String()
}
