package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var pbTestdata = filepath.Join("..", "..", "internal", "budget", "testdata")

func pbFile(name string) string { return filepath.Join(pbTestdata, "pabulib", name) }

// TestPbTallyJSON checks the JSON contract against pabutools' outcomes.
func TestPbTallyJSON(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(pbTestdata, "pabutools_outcomes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]map[string]struct {
		Winners   []string `json:"winners"`
		TotalCost string   `json:"total_cost"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file, rule string
		points     bool
	}{
		{"Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb", "mes_cost_add1", false},
		{"France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine.pb", "mes_card_add1_greedy", false},
		{"US_Stanford_Dataset_PB_Chicago_39th_Ward_2020_vote_rankings.pb", "mes_points", true},
		{"Poland_Czestochowa_2020_Srodmiescie.pb", "greedy_points", true},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.rule, func(t *testing.T) {
			// Flags after the file name work too.
			out, err := runCLI("pb", "tally", "--rule", c.rule, pbFile(c.file), "--format", "json")
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Rule      string   `json:"rule"`
				Budget    string   `json:"budget"`
				Winners   []string `json:"winners"`
				TotalCost string   `json:"total_cost"`
				Projects  map[string]map[string]any
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			want := ref[c.file][c.rule]
			if got.Rule != c.rule || !slices.Equal(got.Winners, want.Winners) || got.TotalCost != want.TotalCost {
				t.Errorf("got %s %v %s; pabutools %v %s", got.Rule, got.Winners, got.TotalCost, want.Winners, want.TotalCost)
			}
			if got.Budget == "" || len(got.Projects) == 0 {
				t.Fatalf("budget %q, %d projects", got.Budget, len(got.Projects))
			}
			for id, p := range got.Projects {
				_, hasPoints := p["points"]
				if _, ok := p["cost"].(string); !ok || hasPoints != c.points || p["supporters"] == nil {
					t.Errorf("project %s: %v (points expected: %v)", id, p, c.points)
				}
			}
		})
	}
	// A budget that is not whole is written as a fraction.
	out, err := runCLI("pb", "tally", "--rule", "greedy_votes", "--format", "json", pbFile("Poland_Warszawa_2019_Praga-Poludnie.pb"))
	if err != nil || !strings.Contains(out, `"budget":"46050603/50"`) {
		t.Errorf("%v %.200s", err, out)
	}
}

func TestPbTallyText(t *testing.T) {
	out, err := runCLI("pb", "tally", "--rule", "mes_card", pbFile("Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rule mes_card, budget 51195, 27 ballots, 4 projects", "funded 3 projects for 24720", "Akademia Szkraba", "price"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	// City rules take their options.
	out, err = runCLI("pb", "tally", "--rule", "cluj_2021", "--projects", "2", "--format", "json", pbFile("Poland_Wroclaw_2016_Rejon_nr_13_250.pb"))
	var res struct{ Winners []string }
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || len(res.Winners) != 2 {
		t.Errorf("cluj_2021 --projects 2: %v %s", err, out)
	}
	out, err = runCLI("pb", "tally", "--rule", "timisoara_2024", "--top-up", "0", pbFile("Poland_Zabrze_2020_Guido.pb"))
	if err != nil || !strings.Contains(out, "zone (single zone): budget 300000") || !strings.Contains(out, "top-up 0") {
		t.Errorf("timisoara_2024: %v\n%s", err, out)
	}
}

// TestPbTallyErrors: exit status 2 with a message naming the problem.
func TestPbTallyErrors(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.pb")
	os.WriteFile(broken, []byte("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;ten\nVOTES\nvoter_id;vote\n"), 0o644)
	approval := pbFile("Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb")
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"--rule", "mes_magic", approval}, `unknown rule "mes_magic"`},
		{[]string{"--rule", "greedy_points", approval}, "needs cumulative or ordinal ballots"},
		{[]string{"--rule", "mes_card", pbFile("Poland_Krakow_2018_Bronowice.pb")}, "needs approval or choose-1"},
		{[]string{"--rule", "greedy_votes", filepath.Join(dir, "missing.pb")}, "no such file"},
		{[]string{"--rule", "greedy_votes", broken}, "broken.pb: line 7: project \"a\": cost \"ten\""},
		{[]string{"--rule", "greedy_votes", dir}, "is a directory"},
		{[]string{"--rule", "greedy_votes"}, "give one FILE.pb"},
		{[]string{"greedy_votes", approval}, "give one FILE.pb"},
		{[]string{approval}, "--rule is required"},
		{[]string{"--rule", "greedy_votes", "--format", "xml", approval}, "--format"},
		{[]string{"--rule", "cluj_2021", "--projects", "0", approval}, "--projects"},
		{[]string{"--rule", "timisoara_2024", "--top-up", "lots", approval}, "--top-up"},
	}
	for _, c := range cases {
		_, err := runCLI(append([]string{"pb", "tally"}, c.args...)...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(ee.msg, c.msg) {
			t.Errorf("pb tally %v: %v; want exit 2 with %q", c.args, err, c.msg)
		}
	}
	if _, err := runCLI("pb", "count"); err == nil {
		t.Error("pb count: want an error")
	}
}
