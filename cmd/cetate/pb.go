package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/cetate/cetate/internal/budget/pabulib"
	"github.com/cetate/cetate/internal/budget/rules"
)

const pbUsage = "usage: cetate pb tally --rule RULE [--format text|json] [--projects N] [--top-up LEI] FILE.pb"

// cmdPb dispatches the participatory budgeting subcommands.
func cmdPb(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "tally" {
		return &exitError{2, "cetate pb: " + pbUsage}
	}
	return cmdPbTally(ctx, args[1:], stdout)
}

// pbTally is the JSON form of a count (the contract of `pb tally --format json`).
type pbTally struct {
	Rule      string               `json:"rule"`
	Budget    string               `json:"budget"`
	Winners   []string             `json:"winners"`
	TotalCost string               `json:"total_cost"`
	Projects  map[string]pbProject `json:"projects"`
	Zones     []pbZone             `json:"zones,omitempty"`
}

type pbProject struct {
	Cost       string `json:"cost"`
	Supporters int64  `json:"supporters"`
	Points     string `json:"points,omitempty"`
}

type pbZone struct {
	Zone     string   `json:"zone"`
	Budget   string   `json:"budget"`
	Spent    string   `json:"spent"`
	TopUp    string   `json:"top_up"`
	Leftover string   `json:"leftover"`
	Winners  []string `json:"winners"`
}

func cmdPbTally(_ context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("pb tally")
	rule := fs.String("rule", "", "counting rule: "+strings.Join(rules.Names, ", "))
	format := fs.String("format", "text", "output: text or json")
	projects := fs.Int("projects", rules.DefaultClujProjects, "cluj_2021: how many projects are funded")
	topUp := fs.String("top-up", fmt.Sprint(rules.DefaultTimisoaraTopUp), "timisoara_2024: the most added to a zone's remainder to fund its next project")
	// Flags may come before or after the file name.
	var files []string
	for {
		if err := parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case len(files) != 1:
		return &exitError{2, "cetate pb tally: give one FILE.pb\n" + pbUsage}
	case *format != "text" && *format != "json":
		return &exitError{2, fmt.Sprintf("cetate pb tally: --format %q: want text or json", *format)}
	case *rule == "":
		return &exitError{2, "cetate pb tally: --rule is required (one of " + strings.Join(rules.Names, ", ") + ")"}
	case !slices.Contains(rules.Names, *rule):
		return &exitError{2, fmt.Sprintf("cetate pb tally: unknown rule %q (one of %s)", *rule, strings.Join(rules.Names, ", "))}
	case *projects <= 0:
		return &exitError{2, "cetate pb tally: --projects must be positive"}
	}
	top, err := pabulib.ParseAmount(*topUp)
	if err != nil {
		return &exitError{2, fmt.Sprintf("cetate pb tally: --top-up %q: %v", *topUp, err)}
	}
	f, err := os.Open(files[0])
	if err != nil {
		return &exitError{2, "cetate pb tally: " + err.Error()}
	}
	in, err := pabulib.Parse(f)
	f.Close()
	if err != nil {
		return &exitError{2, fmt.Sprintf("cetate pb tally: %s: %v", files[0], err)}
	}
	opt := rules.Options{Projects: *projects, TopUp: top}
	progress := newPbProgress()
	opt.Progress = progress.update
	res, err := rules.Tally(in, *rule, opt)
	progress.finish()
	if err != nil {
		return &exitError{2, "cetate pb tally: " + err.Error()}
	}
	if *format == "json" {
		return writePbJSON(stdout, res)
	}
	return writePbText(stdout, in, res)
}

func writePbJSON(w io.Writer, res *rules.Result) error {
	out := pbTally{
		Rule:      res.Rule,
		Budget:    rules.FormatAmount(res.Budget),
		Winners:   res.Winners,
		TotalCost: rules.FormatAmount(res.TotalCost),
		Projects:  map[string]pbProject{},
	}
	if out.Winners == nil {
		out.Winners = []string{}
	}
	for id, p := range res.Projects {
		jp := pbProject{Cost: rules.FormatAmount(p.Cost), Supporters: p.Supporters}
		if res.HasPoints {
			jp.Points = rules.FormatAmount(p.Points)
		}
		out.Projects[id] = jp
	}
	for _, z := range res.Zones {
		out.Zones = append(out.Zones, pbZone{Zone: z.Name, Budget: rules.FormatAmount(z.Budget), Spent: rules.FormatAmount(z.Spent),
			TopUp: rules.FormatAmount(z.TopUp), Leftover: rules.FormatAmount(z.Leftover), Winners: z.Winners})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// writePbText prints the winners in selection order, then the other projects
// by supporters.
func writePbText(w io.Writer, in *pabulib.Instance, res *rules.Result) error {
	fmt.Fprintf(w, "rule %s, budget %s, %d ballots, %d projects\n", res.Rule, rules.FormatAmount(res.Budget), len(in.Ballots), len(in.Projects))
	left := new(big.Rat).Sub(res.Budget, res.TotalCost)
	if left.Sign() >= 0 {
		fmt.Fprintf(w, "funded %d projects for %s, %s left\n", len(res.Winners), decimal(res.TotalCost), decimal(left))
	} else {
		fmt.Fprintf(w, "funded %d projects for %s, %s over the budget (top-ups)\n", len(res.Winners), decimal(res.TotalCost), decimal(left.Neg(left)))
	}
	if res.VoterBudget != nil {
		fmt.Fprintf(w, "Equal Shares: %d run(s), deciding budget per voter %s\n", res.Runs, decimal(res.VoterBudget))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "#\tproject\tcost\tsupporters\t"
	if res.HasPoints {
		head += "points\t"
	}
	if res.Prices != nil {
		head += "price\t"
	}
	fmt.Fprintln(tw, head+" name")
	rank := map[string]int{}
	for i, id := range res.Winners {
		rank[id] = i + 1
	}
	ids := make([]string, 0, len(in.Projects))
	for _, p := range in.Projects {
		ids = append(ids, p.ID)
	}
	slices.SortStableFunc(ids, func(a, b string) int {
		ra, rb := rank[a], rank[b]
		switch {
		case ra > 0 && rb > 0:
			return ra - rb
		case ra > 0:
			return -1
		case rb > 0:
			return 1
		}
		if d := res.Projects[b].Supporters - res.Projects[a].Supporters; d != 0 {
			return int(max(min(d, 1), -1))
		}
		return strings.Compare(a, b)
	})
	for _, id := range ids {
		p := res.Projects[id]
		pr, _ := in.ProjectByID(id)
		r := "-"
		if rank[id] > 0 {
			r = fmt.Sprint(rank[id])
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%d\t", r, id, decimal(p.Cost), p.Supporters)
		if res.HasPoints {
			line += decimal(p.Points) + "\t"
		}
		if res.Prices != nil {
			price := ""
			if x, ok := res.Prices[id]; ok {
				price = decimal(x)
			}
			line += price + "\t"
		}
		fmt.Fprintln(tw, line+" "+pr.Name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, z := range res.Zones {
		name := z.Name
		if name == "" {
			name = "(single zone)"
		}
		fmt.Fprintf(w, "\nzone %s: budget %s, spent %s, top-up %s, reserve %s\n", name, decimal(z.Budget), decimal(z.Spent), decimal(z.TopUp), decimal(z.Leftover))
	}
	return nil
}

// decimal shows an amount for people: exact when whole or a finite decimal,
// else rounded to hundredths with a "≈".
func decimal(r *big.Rat) string {
	if s, err := pabulib.FormatDecimal(r); err == nil {
		return s
	}
	return "≈" + r.FloatString(2)
}

// pbProgress shows a spinner on a terminal once an Add1 completion has run
// for a while; elsewhere (a pipe, a test) it shows nothing.
type pbProgress struct {
	start time.Time
	tty   bool
	bar   *progressbar.ProgressBar
}

func newPbProgress() *pbProgress {
	st, err := os.Stderr.Stat()
	return &pbProgress{start: time.Now(), tty: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

func (p *pbProgress) update(runs int) {
	if !p.tty || time.Since(p.start) < 500*time.Millisecond {
		return
	}
	if p.bar == nil {
		p.bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("Equal Shares, Add1 reruns"), progressbar.OptionShowCount(),
			progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish())
	}
	p.bar.Set(runs)
}

func (p *pbProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
