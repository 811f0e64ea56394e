package pabulib

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// WriteOptions change what Write puts in the file.
type WriteOptions struct {
	// Anonymise replaces voter ids by 1..N given to the ballots sorted by
	// their content (the vote, then the points), and leaves out every other
	// VOTES column (age, sex, district, voting method...). Neither the
	// original ids, nor the order in which people voted, nor who they are can
	// be read from the file; the count is unchanged.
	Anonymise bool
}

// Write writes in as a .pb file that Parse reads back to the same Instance.
// META keys budget, vote_type, num_projects and num_votes are written from
// the instance itself, whatever Meta says. An amount that is not a finite
// decimal (a third, say) cannot be written and is an error.
func Write(w io.Writer, in *Instance, opt WriteOptions) error {
	if err := check(in); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := writeMeta(bw, in); err != nil {
		return err
	}
	if err := writeProjects(bw, in); err != nil {
		return err
	}
	writeVotes(bw, in, opt)
	return bw.Flush()
}

// check rejects what Parse would not read back.
func check(in *Instance) error {
	if in.Budget == nil {
		return fmt.Errorf("pabulib: no budget")
	}
	switch in.VoteType {
	case Approval, ChooseOne, Cumulative, Ordinal:
	default:
		return fmt.Errorf("pabulib: vote type %q", in.VoteType)
	}
	for _, k := range in.MetaKeys {
		if isSection(k) {
			return fmt.Errorf("pabulib: META key %q is a section name", k)
		}
	}
	for k := range in.Meta {
		if isSection(k) {
			return fmt.Errorf("pabulib: META key %q is a section name", k)
		}
	}
	ids := map[string]bool{}
	for _, p := range in.Projects {
		switch {
		case isSection(p.ID):
			return fmt.Errorf("pabulib: project id %q is a section name", p.ID)
		case strings.TrimSpace(p.ID) != p.ID || p.ID == "" || strings.EqualFold(p.ID, "none"):
			return fmt.Errorf("pabulib: project id %q", p.ID)
		case strings.ContainsAny(p.ID, ",;\"\r\n"):
			return fmt.Errorf("pabulib: project id %q contains a separator", p.ID)
		case ids[p.ID]:
			return fmt.Errorf("pabulib: project id %q appears twice", p.ID)
		case p.Cost == nil:
			return fmt.Errorf("pabulib: project %q has no cost", p.ID)
		}
		ids[p.ID] = true
	}
	for i, b := range in.Ballots {
		if isSection(b.VoterID) {
			return fmt.Errorf("pabulib: voter id %q is a section name", b.VoterID)
		}
		if in.VoteType == Cumulative && len(b.Points) != len(b.Projects) {
			return fmt.Errorf("pabulib: ballot %d has %d projects and %d points", i+1, len(b.Projects), len(b.Points))
		}
		for _, id := range b.Projects {
			if !ids[id] {
				return fmt.Errorf("pabulib: ballot %d votes for unknown project %q", i+1, id)
			}
		}
	}
	return nil
}

func writeMeta(w *bufio.Writer, in *Instance) error {
	budget, err := FormatDecimal(in.Budget)
	if err != nil {
		return fmt.Errorf("pabulib: budget: %w", err)
	}
	if r, err := ParseAmount(in.Meta["budget"]); err == nil && r.Cmp(in.Budget) == 0 {
		budget = in.Meta["budget"] // the same amount as written ("400000.0")
	}
	fixed := map[string]string{
		"num_projects": strconv.Itoa(len(in.Projects)),
		"num_votes":    strconv.Itoa(len(in.Ballots)),
		"budget":       budget,
		"vote_type":    string(in.VoteType),
	}
	keys := slices.Clone(in.MetaKeys)
	var rest []string
	for k := range in.Meta {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	for k := range fixed {
		if !slices.Contains(keys, k) && in.Meta[k] == "" {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	keys = append(keys, rest...)
	w.WriteString("META\nkey;value\n")
	done := map[string]bool{}
	for _, k := range keys {
		if done[k] {
			continue
		}
		done[k] = true
		v, ok := fixed[k]
		if !ok {
			v = in.Meta[k]
		}
		writeRow(w, k, v)
	}
	return nil
}

func writeProjects(w *bufio.Writer, in *Instance) error {
	cols := slices.Clone(in.ProjectColumns)
	has := func(names ...string) string {
		for _, n := range names {
			if slices.Contains(cols, n) {
				return n
			}
		}
		return ""
	}
	need := func(col string, used func(Project) bool) {
		if slices.Contains(cols, col) {
			return
		}
		for _, p := range in.Projects {
			if used(p) {
				cols = append(cols, col)
				return
			}
		}
	}
	need("name", func(p Project) bool { return p.Name != "" })
	if has("category", "categories") == "" {
		need("category", func(p Project) bool { return p.Category != "" })
	}
	if has("zone", "district") == "" {
		need("zone", func(p Project) bool { return p.Zone != "" })
	}
	catCol, zoneCol := has("category", "categories"), has("zone", "district")
	var extra []string
	for _, p := range in.Projects {
		for k := range p.Extra {
			if !slices.Contains(cols, k) && !slices.Contains(extra, k) {
				extra = append(extra, k)
			}
		}
	}
	sort.Strings(extra)
	cols = append(cols, extra...)

	w.WriteString("PROJECTS\n")
	writeRow(w, append([]string{"project_id", "cost"}, cols...)...)
	row := make([]string, 2+len(cols))
	for _, p := range in.Projects {
		cost, err := FormatDecimal(p.Cost)
		if err != nil {
			return fmt.Errorf("pabulib: project %q: cost: %w", p.ID, err)
		}
		row[0], row[1] = p.ID, cost
		for i, c := range cols {
			switch c {
			case "name":
				row[2+i] = p.Name
			case catCol:
				row[2+i] = p.Category
			case zoneCol:
				row[2+i] = p.Zone
			default:
				v, ok := p.Extra[c]
				if !ok {
					v = "None"
				}
				row[2+i] = v
			}
		}
		writeRow(w, row...)
	}
	return nil
}

func writeVotes(w *bufio.Writer, in *Instance, opt WriteOptions) {
	var cols []string
	if !opt.Anonymise {
		cols = slices.Clone(in.VoteColumns)
		var extra []string
		for _, b := range in.Ballots {
			for k := range b.Extra {
				if !slices.Contains(cols, k) && !slices.Contains(extra, k) {
					extra = append(extra, k)
				}
			}
		}
		sort.Strings(extra)
		cols = append(cols, extra...)
	}
	header := []string{"voter_id", "vote"}
	if in.VoteType == Cumulative {
		header = append(header, "points")
	}
	w.WriteString("VOTES\n")
	writeRow(w, append(header, cols...)...)

	type line struct {
		id, vote, points string
		extra            []string
	}
	lines := make([]line, len(in.Ballots))
	for i, b := range in.Ballots {
		l := line{id: b.VoterID, vote: strings.Join(b.Projects, ",")}
		if in.VoteType == Cumulative {
			ps := make([]string, len(b.Points))
			for j, v := range b.Points {
				ps[j] = strconv.FormatInt(v, 10)
			}
			l.points = strings.Join(ps, ",")
		}
		for _, c := range cols {
			v, ok := b.Extra[c]
			if !ok {
				v = "None"
			}
			l.extra = append(l.extra, v)
		}
		lines[i] = l
	}
	if opt.Anonymise {
		slices.SortStableFunc(lines, func(a, b line) int {
			return cmp.Or(strings.Compare(a.vote, b.vote), strings.Compare(a.points, b.points))
		})
		for i := range lines {
			lines[i].id = strconv.Itoa(i + 1)
		}
	}
	row := make([]string, 0, len(header)+len(cols))
	for _, l := range lines {
		row = append(row[:0], l.id, l.vote)
		if in.VoteType == Cumulative {
			row = append(row, l.points)
		}
		row = append(row, l.extra...)
		writeRow(w, row...)
	}
}

// isSection reports whether a first field would open a section when read.
func isSection(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return s == secMeta || s == secProjects || s == secVotes
}

// writeRow writes fields separated by semicolons, quoting a field that holds
// a separator, a quote or a line end.
func writeRow(w *bufio.Writer, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(';')
		}
		if strings.ContainsAny(f, ";\"\r\n") {
			w.WriteByte('"')
			w.WriteString(strings.ReplaceAll(f, `"`, `""`))
			w.WriteByte('"')
		} else {
			w.WriteString(f)
		}
	}
	w.WriteByte('\n')
}

// FormatDecimal writes an amount as a plain decimal ("1200", "1019940.37"),
// the form .pb files use. An amount with no finite decimal form is an error.
func FormatDecimal(r *big.Rat) (string, error) {
	if r.Sign() < 0 {
		return "", fmt.Errorf("negative amount %s", r.RatString())
	}
	if r.IsInt() {
		return r.Num().String(), nil
	}
	// A finite decimal's denominator has no prime factor but 2 and 5.
	d := new(big.Int).Set(r.Denom())
	places := 0
	for _, f := range []int64{2, 5} {
		bf := big.NewInt(f)
		n := 0
		m := new(big.Int)
		for {
			q, rem := new(big.Int).QuoRem(d, bf, m)
			if rem.Sign() != 0 {
				break
			}
			d = q
			n++
		}
		places = max(places, n)
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		return "", fmt.Errorf("%s has no finite decimal form", r.RatString())
	}
	return r.FloatString(places), nil
}
