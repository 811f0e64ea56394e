package pabulib

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func parseString(t *testing.T, s string) *Instance {
	t.Helper()
	in, err := Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return in
}

// TestParseQuirks reads a file with the quirks of real Pabulib files (byte
// order mark, quoted fields holding semicolons, quotes and a line end, a
// stray quote inside a field, decimal commas, "None", blank lines, an empty
// ballot, a repeated vote), with LF and with CRLF line ends.
func TestParseQuirks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "quirks.pb"))
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"LF": string(data), "CRLF": strings.ReplaceAll(string(data), "\n", "\r\n")} {
		t.Run(name, func(t *testing.T) {
			in := parseString(t, s)
			if in.Budget.Cmp(big.NewRat(2001, 2)) != 0 || in.VoteType != Approval {
				t.Fatalf("budget %v, vote type %q", in.Budget, in.VoteType)
			}
			if got := in.Meta["description"]; got != "Quirks seen in real files; all in one" {
				t.Errorf("description %q", got)
			}
			if in.MetaKeys[0] != "description" || in.MetaKeys[len(in.MetaKeys)-1] != "max_sum_cost" {
				t.Errorf("meta order %v", in.MetaKeys)
			}
			want := []Project{
				{ID: "1", Cost: big.NewRat(1601, 4), Name: `Parc "Central"; alei noi`, Category: "urban greenery,public space", Extra: map[string]string{"votes": "3", "selected": "1"}},
				{ID: "2", Cost: big.NewRat(300, 1), Name: "Piste pentru biciclete", Category: "public transit and roads", Extra: map[string]string{"votes": "2"}},
				{ID: "3", Cost: big.NewRat(600, 1), Name: "Bibliotecă\nde cartier", Category: "culture", Extra: map[string]string{"votes": "1", "selected": "0"}},
				{ID: "A10", Cost: new(big.Rat), Name: `Concert " gratuit`, Category: "culture", Extra: map[string]string{"votes": "0", "selected": "0"}},
			}
			if !sameProjects(in.Projects, want) {
				t.Errorf("projects\n got %+v\nwant %+v", in.Projects, want)
			}
			if !reflect.DeepEqual(in.ProjectColumns, []string{"votes", "name", "category", "selected"}) {
				t.Errorf("project columns %v", in.ProjectColumns)
			}
			var votes []string
			for _, b := range in.Ballots {
				votes = append(votes, b.VoterID+":"+strings.Join(b.Projects, ","))
			}
			if got := strings.Join(votes, " "); got != "v1:1,2 v2:2,1 v3:1 v4: v5:3,1" {
				t.Errorf("ballots %s", got)
			}
			if _, ok := in.Ballots[1].Extra["age"]; ok || in.Ballots[0].Extra["age"] != "34" {
				t.Errorf("None must be absent, a value kept: %v %v", in.Ballots[1].Extra, in.Ballots[0].Extra)
			}
		})
	}
}

func TestParseBallotKinds(t *testing.T) {
	head := "META\nkey;value\nbudget;100\nvote_type;%s\nPROJECTS\nproject_id;cost\na;10\nb;20\nc;30\nVOTES\n"
	t.Run("cumulative", func(t *testing.T) {
		in := parseString(t, strings.Replace(head, "%s", "cumulative", 1)+"voter_id;vote;points\n1;b,a;3,2\n2;c;5\n3;a,c,a;1,1,4\n4;a;None\n")
		want := [][]int64{{3, 2}, {5}, {4, 1}, nil}
		for i, b := range in.Ballots {
			if !reflect.DeepEqual(b.Points, want[i]) {
				t.Errorf("ballot %d: points %v, want %v", i+1, b.Points, want[i])
			}
		}
		// A project listed twice keeps its first place and its later points.
		if got := in.Ballots[2].Projects; !reflect.DeepEqual(got, []string{"a", "c"}) {
			t.Errorf("ballot 3 projects %v", got)
		}
		if len(in.Ballots[3].Projects) != 0 {
			t.Errorf("a cumulative ballot without points is empty, got %v", in.Ballots[3].Projects)
		}
	})
	t.Run("ordinal", func(t *testing.T) {
		in := parseString(t, strings.Replace(head, "%s", "ordinal", 1)+"voter_id;vote\n1;c,a,b\n2;b,b,a\n")
		if got := in.Ballots[0].Projects; !reflect.DeepEqual(got, []string{"c", "a", "b"}) {
			t.Errorf("order not kept: %v", got)
		}
		if got := in.Ballots[1].Projects; !reflect.DeepEqual(got, []string{"b", "a"}) {
			t.Errorf("a repeat keeps the first place: %v", got)
		}
		if in.Ballots[0].Points != nil {
			t.Error("ordinal ballots carry no points")
		}
	})
	t.Run("choose-1", func(t *testing.T) {
		in := parseString(t, strings.Replace(head, "%s", "choose-1", 1)+"voter_id;vote\n1;a\n")
		if in.VoteType != ChooseOne || in.Ballots[0].Projects[0] != "a" {
			t.Errorf("%q %v", in.VoteType, in.Ballots)
		}
	})
}

// TestParseErrors: each malformed file is refused with the line and the
// problem, and no instance.
func TestParseErrors(t *testing.T) {
	ok := "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;10\nb;20\nVOTES\nvoter_id;vote\n1;a\n"
	cases := []struct {
		name, file string
		line       int
		msg        string
	}{
		{"data first", "x;y\n" + ok, 1, "before the META"},
		{"no budget", strings.Replace(ok, "budget;100\n", "", 1), 4, "no budget"},
		{"bad budget", strings.Replace(ok, "budget;100", "budget;100 lei", 1), 3, "budget"},
		{"negative budget", strings.Replace(ok, "budget;100", "budget;-100", 1), 3, "budget"},
		{"no vote type", strings.Replace(ok, "vote_type;approval\n", "", 1), 4, "vote_type"},
		{"unknown vote type", strings.Replace(ok, "approval", "scoring", 1), 4, "scoring"},
		{"meta without value", strings.Replace(ok, "vote_type;approval", "vote_type;approval\nlonely", 1), 5, "key and a value"},
		{"no cost column", strings.Replace(ok, "project_id;cost", "project_id;price", 1), 6, "no cost column"},
		{"duplicate column", strings.Replace(ok, "project_id;cost", "project_id;cost;name;name", 1), 6, "appears twice"},
		{"bad cost", strings.Replace(ok, "a;10", "a;ten", 1), 7, `cost "ten"`},
		{"missing cost", strings.Replace(ok, "a;10", "a;None", 1), 7, "no cost"},
		{"duplicate project", strings.Replace(ok, "b;20", "a;20", 1), 8, `"a" appears twice`},
		{"comma in id", strings.Replace(ok, "b;20", "b,c;20", 1), 8, "comma"},
		{"too many fields", strings.Replace(ok, "b;20", "b;20;extra", 1), 8, "3 fields"},
		{"unknown project", strings.Replace(ok, "1;a\n", "1;a,z\n", 1), 11, `"z"`},
		{"no vote column", strings.Replace(ok, "voter_id;vote", "voter_id;ballot", 1), 10, "no vote column"},
		{"no votes section", strings.Replace(ok, "VOTES\nvoter_id;vote\n1;a\n", "", 1), 8, "no VOTES"},
		{"sections out of order", strings.Replace(ok, "PROJECTS", "VOTES", 1), 5, "must follow"},
		{"second meta", ok + "META\nkey;value\n", 12, "second META"},
		{"unclosed quote", strings.Replace(ok, "b;20", `b;"20`, 1), 8, "not closed"},
		{"points mismatch", strings.Replace(strings.Replace(ok, "approval", "cumulative", 1), "voter_id;vote\n1;a", "voter_id;vote;points\n1;a,b;3", 1), 11, "2 projects in vote but 1"},
		{"fractional points", strings.Replace(strings.Replace(ok, "approval", "cumulative", 1), "voter_id;vote\n1;a", "voter_id;vote;points\n1;a;1.5", 1), 11, "whole"},
		{"header missing", "META\n", 1, "without a header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := Parse(strings.NewReader(c.file))
			var pe *ParseError
			if !errors.As(err, &pe) || in != nil {
				t.Fatalf("got %v, %v; want a ParseError", in, err)
			}
			if pe.Line != c.line || !strings.Contains(pe.Msg, c.msg) {
				t.Errorf("got %q; want line %d and %q", err, c.line, c.msg)
			}
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("message %q does not start with the line", err)
			}
		})
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]*big.Rat{"1200": big.NewRat(1200, 1), "4000.0": big.NewRat(4000, 1), "12,5": big.NewRat(25, 2),
		" 1019940.37 ": big.NewRat(101994037, 100), ".5": big.NewRat(1, 2), "7.": big.NewRat(7, 1)} {
		got, err := ParseAmount(in)
		if err != nil || got.Cmp(want) != 0 {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ".", "-1", "1e3", "1/2", "1.2.3", "1,2.3", "0x10", "+5", "1 000", "NaN", strings.Repeat("9", 31)} {
		if got, err := ParseAmount(bad); err == nil {
			t.Errorf("ParseAmount(%q) = %v; want an error", bad, got)
		}
	}
}

// sameProjects compares projects, costs by value.
func sameProjects(a, b []Project) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Cost.Cmp(y.Cost) != 0 {
			return false
		}
		x.Cost, y.Cost = nil, nil
		if len(x.Extra) == 0 && len(y.Extra) == 0 {
			x.Extra, y.Extra = nil, nil
		}
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}
