package pabulib

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// ParseError is a malformed file: the line (1-based) and what is wrong there.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

func errAt(line int, format string, args ...any) error {
	return &ParseError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// maxPoints bounds one ballot's points for one project, so that sums over
// millions of ballots stay far from overflowing int64.
const maxPoints = 1 << 40

// Parse reads a .pb file. A malformed file gives a *ParseError naming the line
// and the problem; the Instance is then nil.
//
// It reads as pabutools 1.2 does (pabutools/election/pabulib.py): fields are
// trimmed, a field "None" (any case) means absent, a cost may use a decimal
// comma, approval and ordinal ballots that list a project twice keep its first
// place. It is stricter where pabutools would crash or silently misread: an
// unknown project in a vote, a duplicate project id, cumulative points that do
// not match the vote list or are not whole numbers, a project id holding a
// comma, semicolon, quote or line end, and sections out of order are errors.
// A cumulative ballot that lists a project twice keeps its first place and the
// later points, as pabutools' dict does. An error reading r is returned as is.
func Parse(r io.Reader) (*Instance, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	p := &parser{rd: newRecordReader(data)}
	return p.parse()
}

type parser struct {
	rd       *recordReader
	in       *Instance
	byID     map[string]int
	metaLine map[string]int // where each META key was set
}

// section names, lower case, as they open a section.
const (
	secNone     = ""
	secMeta     = "meta"
	secProjects = "projects"
	secVotes    = "votes"
)

func (p *parser) parse() (*Instance, error) {
	p.in = &Instance{Meta: map[string]string{}}
	p.byID = map[string]int{}
	p.metaLine = map[string]int{}
	section := secNone
	var header []string
	var headerLine int
	var cols columns
	seen := map[string]bool{}
	for {
		rec, line, err := p.rd.next()
		if err != nil {
			return nil, err
		}
		if rec == nil {
			break
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		if name := strings.ToLower(strings.TrimSpace(rec[0])); name == secMeta || name == secProjects || name == secVotes {
			if err := p.startSection(section, name, line, seen); err != nil {
				return nil, err
			}
			section = name
			if name == secProjects {
				if err := p.checkMeta(line); err != nil {
					return nil, err
				}
			}
			header, headerLine, err = p.header(name, line)
			if err != nil {
				return nil, err
			}
			if cols, err = newColumns(name, header, headerLine); err != nil {
				return nil, err
			}
			p.recordColumns(name, cols)
			if n, err := strconv.Atoi(p.in.Meta["num_votes"]); name == secVotes && err == nil && n > 0 {
				p.in.Ballots = make([]Ballot, 0, min(n, 1<<20))
			}
			continue
		}
		switch section {
		case secNone:
			return nil, errAt(line, "data before the META section")
		case secMeta:
			if len(rec) < 2 {
				return nil, errAt(line, "META line needs a key and a value separated by ';'")
			}
			key := strings.TrimSpace(rec[0])
			if _, dup := p.in.Meta[key]; !dup {
				p.in.MetaKeys = append(p.in.MetaKeys, key)
			}
			p.in.Meta[key] = strings.TrimSpace(rec[1])
			p.metaLine[key] = line
		case secProjects:
			if err := p.project(rec, line, cols); err != nil {
				return nil, err
			}
		case secVotes:
			if err := p.ballot(rec, line, cols); err != nil {
				return nil, err
			}
		}
	}
	if !seen[secMeta] {
		return nil, errAt(max(p.rd.line, 1), "no META section: not a Pabulib file")
	}
	if !seen[secVotes] {
		return nil, errAt(p.rd.line, "no VOTES section (the file ends at line %d)", p.rd.line)
	}
	return p.in, nil
}

// startSection checks that sections come once each, in the order META,
// PROJECTS, VOTES.
func (p *parser) startSection(prev, name string, line int, seen map[string]bool) error {
	if seen[name] {
		return errAt(line, "a second %s section", strings.ToUpper(name))
	}
	want := map[string]string{secMeta: secNone, secProjects: secMeta, secVotes: secProjects}[name]
	if prev != want {
		if want == secNone {
			return errAt(line, "META must be the first section")
		}
		return errAt(line, "the %s section must follow %s", strings.ToUpper(name), strings.ToUpper(want))
	}
	seen[name] = true
	return nil
}

// header reads the line after a section name: the column names.
func (p *parser) header(section string, sectionLine int) ([]string, int, error) {
	rec, line, err := p.rd.next()
	if err != nil {
		return nil, 0, err
	}
	if rec == nil {
		return nil, 0, errAt(sectionLine, "%s section without a header line", strings.ToUpper(section))
	}
	h := make([]string, len(rec))
	for i, f := range rec {
		h[i] = strings.TrimSpace(f)
	}
	return h, line, nil
}

// checkMeta reads budget and vote_type once META is complete (at the line
// that opens PROJECTS).
func (p *parser) checkMeta(line int) error {
	in := p.in
	b, ok := in.Meta["budget"]
	if !ok {
		return errAt(line, "META has no budget")
	}
	budget, err := ParseAmount(b)
	if err != nil {
		return errAt(p.metaLine["budget"], "META budget %q: %v", b, err)
	}
	in.Budget = budget
	vt, ok := in.Meta["vote_type"]
	if !ok {
		return errAt(line, "META has no vote_type")
	}
	switch VoteType(vt) {
	case Approval, ChooseOne, Cumulative, Ordinal:
		in.VoteType = VoteType(vt)
	default:
		return errAt(p.metaLine["vote_type"], "META vote_type %q is not one of approval, choose-1, cumulative, ordinal", vt)
	}
	return nil
}

// columns locates the columns of a PROJECTS or VOTES header.
type columns struct {
	names                          []string
	cost, name, category, zone     int
	voterID, vote, points          int
	extra                          []int // indexes of the remaining columns
	categoryName, zoneName, idName string
}

func newColumns(section string, h []string, line int) (columns, error) {
	c := columns{names: h, cost: -1, name: -1, category: -1, zone: -1, voterID: -1, vote: -1, points: -1}
	seen := map[string]bool{}
	for _, n := range h {
		if seen[n] {
			return c, errAt(line, "column %q appears twice", n)
		}
		seen[n] = true
	}
	index := func(names ...string) (int, string) {
		for _, n := range names {
			for i, x := range h {
				if x == n {
					return i, n
				}
			}
		}
		return -1, ""
	}
	switch section {
	case secProjects:
		// pabutools takes the first column as the project id, whatever its name.
		if len(h) == 0 || h[0] == "" {
			return c, errAt(line, "PROJECTS header has no project_id column")
		}
		c.idName = h[0]
		if c.cost, _ = index("cost"); c.cost < 0 {
			return c, errAt(line, "PROJECTS header has no cost column")
		}
		if c.cost == 0 {
			return c, errAt(line, "PROJECTS header: the first column must be the project id, not cost")
		}
		c.name, _ = index("name")
		c.category, c.categoryName = index("category", "categories")
		c.zone, c.zoneName = index("zone", "district")
		for i := 1; i < len(h); i++ {
			if i != c.cost && i != c.name && i != c.category && i != c.zone {
				c.extra = append(c.extra, i)
			}
		}
	case secVotes:
		if c.vote, _ = index("vote"); c.vote < 0 {
			return c, errAt(line, "VOTES header has no vote column")
		}
		c.voterID, _ = index("voter_id")
		c.points, _ = index("points")
		for i := range h {
			if i != c.vote && i != c.voterID && i != c.points {
				c.extra = append(c.extra, i)
			}
		}
	}
	for _, i := range c.extra {
		if h[i] == "" {
			return c, errAt(line, "column %d has no name", i+1)
		}
	}
	return c, nil
}

func (p *parser) recordColumns(section string, c columns) {
	var names []string
	switch section {
	case secProjects:
		for i, n := range c.names {
			if i != 0 && i != c.cost {
				names = append(names, n)
			}
		}
		p.in.ProjectColumns = names
	case secVotes:
		for _, i := range c.extra {
			names = append(names, c.names[i])
		}
		p.in.VoteColumns = names
	}
}

// field returns column i of rec, trimmed, and whether it is present (in the
// row and not "None").
func field(rec []string, i int) (string, bool) {
	if i < 0 || i >= len(rec) {
		return "", false
	}
	v := strings.TrimSpace(rec[i])
	if strings.EqualFold(v, "none") {
		return "", false
	}
	return v, true
}

// checkWidth rejects a row with more non-empty fields than the header has
// columns (pabutools fails on it); trailing empty fields are tolerated.
func checkWidth(rec []string, c columns, line int) error {
	for i := len(c.names); i < len(rec); i++ {
		if strings.TrimSpace(rec[i]) != "" {
			return errAt(line, "%d fields but the header has %d columns", len(rec), len(c.names))
		}
	}
	return nil
}

func (p *parser) project(rec []string, line int, c columns) error {
	if err := checkWidth(rec, c, line); err != nil {
		return err
	}
	id := strings.TrimSpace(rec[0])
	switch {
	case id == "" || strings.EqualFold(id, "none"):
		return errAt(line, "project without an id")
	case strings.Contains(id, ","):
		return errAt(line, "project id %q contains a comma, which separates ids in votes", id)
	case strings.ContainsAny(id, ";\"\r\n"):
		return errAt(line, "project id %q contains a separator or a quote", id)
	}
	if _, dup := p.byID[id]; dup {
		return errAt(line, "project id %q appears twice", id)
	}
	cs, ok := field(rec, c.cost)
	if !ok {
		return errAt(line, "project %q has no cost", id)
	}
	cost, err := ParseAmount(cs)
	if err != nil {
		return errAt(line, "project %q: cost %q: %v", id, cs, err)
	}
	pr := Project{ID: id, Cost: cost}
	pr.Name, _ = field(rec, c.name)
	pr.Category, _ = field(rec, c.category)
	pr.Zone, _ = field(rec, c.zone)
	for _, i := range c.extra {
		if v, ok := field(rec, i); ok {
			if pr.Extra == nil {
				pr.Extra = map[string]string{}
			}
			pr.Extra[c.names[i]] = v
		}
	}
	p.byID[id] = len(p.in.Projects)
	p.in.Projects = append(p.in.Projects, pr)
	return nil
}

func (p *parser) ballot(rec []string, line int, c columns) error {
	if err := checkWidth(rec, c, line); err != nil {
		return err
	}
	b := Ballot{}
	b.VoterID, _ = field(rec, c.voterID)
	vote, _ := field(rec, c.vote)
	var ids []string
	if vote != "" {
		ids = strings.Split(vote, ",")
		kept := ids[:0]
		for _, s := range ids {
			if s = strings.TrimSpace(s); s != "" {
				kept = append(kept, s)
			}
		}
		ids = kept
	}
	for _, id := range ids {
		if _, ok := p.byID[id]; !ok {
			return errAt(line, "vote for %q, which is not in PROJECTS", id)
		}
	}
	switch p.in.VoteType {
	case Cumulative:
		ps, ok := field(rec, c.points)
		if !ok || (ps == "" && len(ids) == 0) {
			// pabutools reads a cumulative ballot without points as empty.
			ids = nil
			break
		}
		pts := strings.Split(ps, ",")
		if len(pts) != len(ids) {
			return errAt(line, "%d projects in vote but %d values in points", len(ids), len(pts))
		}
		// A project listed twice keeps its first place and takes the later
		// points, as in pabutools' CumulativeBallot (a dict).
		at := make(map[string]int, len(ids))
		var kept []string
		for i, s := range pts {
			v, err := parsePoints(s)
			if err != nil {
				return errAt(line, "points %q: %v", strings.TrimSpace(s), err)
			}
			if j, dup := at[ids[i]]; dup {
				b.Points[j] = v
				continue
			}
			at[ids[i]] = len(kept)
			kept = append(kept, ids[i])
			b.Points = append(b.Points, v)
		}
		ids = kept
	default:
		ids = dedupe(ids)
	}
	b.Projects = ids
	for _, i := range c.extra {
		if v, ok := field(rec, i); ok {
			if b.Extra == nil {
				b.Extra = map[string]string{}
			}
			b.Extra[c.names[i]] = v
		}
	}
	p.in.Ballots = append(p.in.Ballots, b)
	return nil
}

// dedupe drops repeated ids, keeping each at its first place (pabutools'
// approval ballots are sets and its ordinal ballots ignore a repeat).
func dedupe(ids []string) []string {
	for i := 1; i < len(ids); i++ {
		for j := 0; j < i; j++ {
			if ids[i] == ids[j] {
				out := ids[:i]
				for _, id := range ids[i:] {
					if !contains(out, id) {
						out = append(out, id)
					}
				}
				return out
			}
		}
	}
	return ids
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// ParseAmount reads a non-negative decimal amount exactly: "1200", "4000.0",
// "1019940.37", or with a decimal comma, "12,5".
func ParseAmount(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	s = strings.Replace(s, ",", ".", 1)
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return nil, fmt.Errorf("not a non-negative decimal number")
		}
	}
	if digits == 0 || dots > 1 {
		return nil, fmt.Errorf("not a non-negative decimal number")
	}
	if digits > 30 {
		return nil, fmt.Errorf("more than 30 digits")
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("not a non-negative decimal number")
	}
	return r, nil
}

// parsePoints reads one cumulative score: a whole number ("3" or "3.0").
func parsePoints(s string) (int64, error) {
	r, err := ParseAmount(s)
	if err != nil {
		return 0, err
	}
	if !r.IsInt() {
		return 0, fmt.Errorf("points must be whole numbers")
	}
	if r.Num().Cmp(big.NewInt(maxPoints)) > 0 {
		return 0, fmt.Errorf("more than %d points", int64(maxPoints))
	}
	return r.Num().Int64(), nil
}

// recordReader splits the file into semicolon-separated records the way
// Python's csv module does with pabutools' settings: a field that starts with
// a double quote is quoted (a doubled quote inside stands for one, and may
// run over line ends); a quote elsewhere is an ordinary character.
type recordReader struct {
	data string // one string, so that fields are substrings of it
	pos  int
	line int // lines consumed so far
	rec  []string
}

func newRecordReader(data []byte) *recordReader {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return &recordReader{data: string(data)}
}

// next returns the next record and the line it starts on; nil at the end.
// The record is valid until the next call.
func (r *recordReader) next() ([]string, int, error) {
	if r.pos >= len(r.data) {
		return nil, r.line, nil
	}
	r.line++
	start := r.line
	rec := r.rec[:0]
	defer func() { r.rec = rec[:0] }()
	var quoted strings.Builder
	for {
		// At the start of a field.
		if r.pos < len(r.data) && r.data[r.pos] == '"' {
			r.pos++
			quoted.Reset()
			for {
				if r.pos >= len(r.data) {
					return nil, 0, errAt(start, "a quoted field is not closed")
				}
				c := r.data[r.pos]
				r.pos++
				switch {
				case c == '"' && r.pos < len(r.data) && r.data[r.pos] == '"':
					quoted.WriteByte('"')
					r.pos++
				case c == '"':
					goto closed
				case c == '\r' || c == '\n':
					if c == '\r' && r.pos < len(r.data) && r.data[r.pos] == '\n' {
						r.pos++
					}
					r.line++
					quoted.WriteByte('\n')
				default:
					quoted.WriteByte(c)
				}
			}
		closed:
			// Characters after the closing quote belong to the field.
			end := r.fieldEnd()
			quoted.WriteString(r.data[r.pos:end])
			r.pos = end
			rec = append(rec, quoted.String())
		} else {
			end := r.fieldEnd()
			rec = append(rec, r.data[r.pos:end])
			r.pos = end
		}
		if r.pos >= len(r.data) {
			return rec, start, nil
		}
		switch r.data[r.pos] {
		case ';':
			r.pos++
		case '\r':
			r.pos++
			if r.pos < len(r.data) && r.data[r.pos] == '\n' {
				r.pos++
			}
			return rec, start, nil
		case '\n':
			r.pos++
			return rec, start, nil
		}
	}
}

// fieldEnd is the position of the next separator or line end.
func (r *recordReader) fieldEnd() int {
	for i := r.pos; i < len(r.data); i++ {
		switch r.data[i] {
		case ';', '\r', '\n':
			return i
		}
	}
	return len(r.data)
}
