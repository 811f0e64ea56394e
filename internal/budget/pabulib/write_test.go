package pabulib

import (
	"bytes"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// roundTrip writes in and parses the result.
func roundTrip(t *testing.T, in *Instance, opt WriteOptions) (*Instance, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, in, opt); err != nil {
		t.Fatalf("Write: %v", err)
	}
	text := buf.String()
	out, err := Parse(&buf)
	if err != nil {
		t.Fatalf("Parse of written file: %v\n%s", err, text)
	}
	return out, text
}

// sameInstance compares everything Parse reads.
func sameInstance(t *testing.T, a, b *Instance) {
	t.Helper()
	if a.Budget.Cmp(b.Budget) != 0 || a.VoteType != b.VoteType {
		t.Errorf("budget %v/%v, vote type %q/%q", a.Budget, b.Budget, a.VoteType, b.VoteType)
	}
	if !reflect.DeepEqual(a.Meta, b.Meta) || !reflect.DeepEqual(a.MetaKeys, b.MetaKeys) {
		t.Errorf("meta\n%v %v\n%v %v", a.MetaKeys, a.Meta, b.MetaKeys, b.Meta)
	}
	if !sameProjects(a.Projects, b.Projects) || !reflect.DeepEqual(a.ProjectColumns, b.ProjectColumns) {
		t.Errorf("projects\n%+v %v\n%+v %v", a.Projects, a.ProjectColumns, b.Projects, b.ProjectColumns)
	}
	if !reflect.DeepEqual(a.Ballots, b.Ballots) || !reflect.DeepEqual(a.VoteColumns, b.VoteColumns) {
		t.Errorf("ballots\n%+v %v\n%+v %v", a.Ballots, a.VoteColumns, b.Ballots, b.VoteColumns)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pb"))
	real, _ := filepath.Glob(filepath.Join("..", "testdata", "pabulib", "*.pb"))
	files = append(files, real...)
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in, err := Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			// Counts are written from the instance; the rest comes back as read.
			in.Meta["num_votes"], in.Meta["num_projects"] = itoa(len(in.Ballots)), itoa(len(in.Projects))
			out, text := roundTrip(t, in, WriteOptions{})
			sameInstance(t, in, out)
			if _, again := roundTrip(t, out, WriteOptions{}); again != text {
				t.Error("writing the re-read instance gives a different file")
			}
		})
	}
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// TestWriteBuilt writes an instance built in code, as the city's own
// editions will, with values that need quoting and no column lists.
func TestWriteBuilt(t *testing.T) {
	in := &Instance{
		Meta:     map[string]string{"description": `Bugetare participativă "2026"; Cetate`, "unit": "Cetate"},
		Budget:   big.NewRat(250001, 2),
		VoteType: Cumulative,
		Projects: []Project{
			{ID: "P1", Cost: big.NewRat(100000, 1), Name: "Parc; alei", Category: "spații verzi", Zone: "Nord"},
			{ID: "P2", Cost: big.NewRat(5, 4), Name: "Bancă\nnouă", Zone: "Sud", Extra: map[string]string{"url": "https://exemplu.ro/p2"}},
		},
		Ballots: []Ballot{
			{VoterID: "7", Projects: []string{"P2", "P1"}, Points: []int64{3, 2}},
			{VoterID: "3", Projects: []string{}, Points: []int64{}, Extra: map[string]string{"age": "40"}},
		},
	}
	out, text := roundTrip(t, in, WriteOptions{})
	for _, want := range []string{"budget;125000.5\n", "vote_type;cumulative\n", "num_votes;2\n", "P2;1.25;", `"Parc; alei"`, "7;P2,P1;3,2"} {
		if !strings.Contains(text, want) {
			t.Errorf("written file lacks %q:\n%s", want, text)
		}
	}
	if out.Meta["description"] != in.Meta["description"] || out.Projects[1].Name != "Bancă\nnouă" || out.Projects[0].Zone != "Nord" ||
		out.Projects[1].Extra["url"] != "https://exemplu.ro/p2" || out.Ballots[1].Extra["age"] != "40" || out.Budget.Cmp(in.Budget) != 0 {
		t.Errorf("round trip lost something:\n%s", text)
	}
	if !reflect.DeepEqual(out.Ballots[0].Points, []int64{3, 2}) || len(out.Ballots[1].Projects) != 0 {
		t.Errorf("ballots %+v", out.Ballots)
	}

	third := *in
	third.Budget = big.NewRat(1, 3)
	if err := Write(&bytes.Buffer{}, &third, WriteOptions{}); err == nil {
		t.Error("a budget of 1/3 has no decimal form and must be refused")
	}
	bad := *in
	bad.Ballots = []Ballot{{VoterID: "1", Projects: []string{"P9"}, Points: []int64{1}}}
	if err := Write(&bytes.Buffer{}, &bad, WriteOptions{}); err == nil {
		t.Error("a vote for an unknown project must be refused")
	}
}

// TestWriteAnonymise: voter ids become 1..N over ballots sorted by content,
// the other columns go, and the multiset of ballots is unchanged.
func TestWriteAnonymise(t *testing.T) {
	in := parseString(t, "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;10\nb;20\nc;30\n"+
		"VOTES\nvoter_id;vote;age;sex\n9001;c;30;F\n17;a,b;41;M\n555;a;22;F\n42;a,b;67;M\n")
	out, text := roundTrip(t, in, WriteOptions{Anonymise: true})
	for _, secret := range []string{"9001", "555", "42", "17", "age", "41", "sex"} {
		if strings.Contains(text[strings.Index(text, "VOTES"):], secret) {
			t.Errorf("anonymised VOTES still contain %q:\n%s", secret, text)
		}
	}
	var got []string
	for i, b := range out.Ballots {
		if b.VoterID != itoa(i+1) || b.Extra != nil {
			t.Errorf("ballot %d: id %q, extra %v", i, b.VoterID, b.Extra)
		}
		got = append(got, strings.Join(b.Projects, ","))
	}
	if want := []string{"a", "a,b", "a,b", "c"}; !slices.Equal(got, want) {
		t.Errorf("ballots %v, want sorted %v", got, want)
	}
	// The order of the input does not show through.
	slices.Reverse(in.Ballots)
	_, again := roundTrip(t, in, WriteOptions{Anonymise: true})
	if again != text {
		t.Error("anonymised output depends on the input order")
	}
}

func TestFormatDecimal(t *testing.T) {
	for r, want := range map[*big.Rat]string{big.NewRat(3, 1): "3", big.NewRat(101994037, 100): "1019940.37", big.NewRat(1, 8): "0.125", big.NewRat(0, 1): "0"} {
		if got, err := FormatDecimal(r); err != nil || got != want {
			t.Errorf("FormatDecimal(%v) = %q, %v; want %q", r, got, err, want)
		}
	}
	for _, r := range []*big.Rat{big.NewRat(1, 3), big.NewRat(-1, 2)} {
		if got, err := FormatDecimal(r); err == nil {
			t.Errorf("FormatDecimal(%v) = %q; want an error", r, got)
		}
	}
}

// FuzzParse: any input is either refused with a ParseError (never a panic)
// or read into an instance that writes and reads back the same.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pb"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote;points\n1;1;2\n"))
	f.Add([]byte("META\nkey;value\nbudget;10\nvote_type;ordinal\nPROJECTS\nproject_id;cost;zone\n\"1\";5;\"N\"\"\"\nVOTES\nvote\n1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Parse(bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || in != nil {
				t.Fatalf("error %v (%T) with instance %v", err, err, in)
			}
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, in, WriteOptions{}); err != nil {
			t.Fatalf("Write of a parsed instance: %v", err)
		}
		text := buf.String()
		out, err := Parse(&buf)
		if err != nil {
			t.Fatalf("re-reading the written file: %v\n%s", err, text)
		}
		if out.Budget.Cmp(in.Budget) != 0 || len(out.Projects) != len(in.Projects) || len(out.Ballots) != len(in.Ballots) {
			t.Fatalf("round trip changed the election:\n%s", text)
		}
		for i := range in.Ballots {
			if !slices.Equal(in.Ballots[i].Projects, out.Ballots[i].Projects) || !slices.Equal(in.Ballots[i].Points, out.Ballots[i].Points) {
				t.Fatalf("ballot %d changed: %+v → %+v", i, in.Ballots[i], out.Ballots[i])
			}
		}
	})
}
