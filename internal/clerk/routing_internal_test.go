package clerk

import (
	"slices"
	"testing"

	"github.com/cetate/cetate/internal/catalog"
)

// Every keyword of catalog/institutions.yaml has words that carry meaning, and a
// petition naming it finds its institution.
func TestEveryInstitutionKeywordFindsItsInstitution(t *testing.T) {
	cat, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	insts := cat.Institutions()
	for _, inst := range insts {
		for _, k := range inst.Keywords {
			if len(textStems(k)) == 0 {
				t.Errorf("%s: keyword %q has only stop words", inst.Code, k)
				continue
			}
			// Found unless another institution names the same words (then the
			// petition is a doubt, and a person decides).
			if m := matchInstitutions(insts, "Vă sesizez: "+k+"."); m.found && m.inst.Code != inst.Code {
				t.Errorf("%q finds %s, not %s", k, m.inst.Code, inst.Code)
			}
		}
	}
}

func TestMatchInstitutions(t *testing.T) {
	a := &catalog.Institution{Code: "a", Keywords: []string{"salariu", "salariul", "contract de munca"}}
	b := &catalog.Institution{Code: "b", Keywords: []string{"pensie", "contract"}}
	insts := []*catalog.Institution{a, b}
	for _, tt := range []struct {
		text    string
		found   string
		matched []string
	}{
		// Forms of one word count once; a phrase counts when all its words are there.
		{"Nu mi s-a plătit salariul. Am contract de muncă.", "a", []string{"salariu", "contract de munca"}},
		{"Salariile nu au venit.", "a", []string{"salariu"}},
		{"Pensia mea e mică.", "b", []string{"pensie"}},
		// As many words for each: a doubt.
		{"Salariul și pensia.", "", nil},
		{"Am o problemă cu strada.", "", nil},
		// "munca" alone does not complete the phrase.
		{"Munca mea.", "", nil},
	} {
		m := matchInstitutions(insts, tt.text)
		code := ""
		if m.found {
			code = m.inst.Code
		}
		if code != tt.found || !slices.Equal(m.matched, tt.matched) {
			t.Errorf("%q: found %q %v, want %q %v", tt.text, code, m.matched, tt.found, tt.matched)
		}
	}
}
