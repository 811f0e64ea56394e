package catalog

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The embedded catalogue lists the other institutions, each with a contact and
// keywords, and institutions.yaml is not mistaken for a service.
func TestEmbeddedInstitutions(t *testing.T) {
	cat, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	insts := cat.Institutions()
	if len(insts) < 12 {
		t.Fatalf("%d institutions", len(insts))
	}
	itm, ok := cat.Institution("itm-cluj")
	if !ok || itm.Name.RO != "Inspectoratul Teritorial de Muncă Cluj" || !strings.Contains(itm.Contact(), "itmcluj@itmcluj.ro") ||
		!slices.Contains(itm.Keywords, "salariu") {
		t.Fatalf("itm-cluj: %+v", itm)
	}
	if _, ok := cat.Institution("primaria"); ok {
		t.Fatal("an unknown institution was found")
	}
	if _, ok := cat.Service("anaf-cluj"); ok {
		t.Fatal("institutions.yaml was read as a service")
	}
	// The catalogue in force, with administrators' overrides, keeps them.
	live := NewLive(cat)
	live.Apply([]Override{{Code: "petitie", Name: Text{EN: "Petition to the mayor"}}})
	if _, ok := live.Institution("itm-cluj"); !ok || len(live.Institutions()) != len(insts) {
		t.Fatal("the institutions are lost when overrides are applied")
	}
}

// A bad institutions.yaml is refused with every problem on its line, and nothing
// loads.
func TestValidateInstitutions(t *testing.T) {
	fsys := fstest.MapFS{"institutions.yaml": {Data: []byte(`institutions:
  - code: itm
    name: {ro: ITM, en: ITM, hu: ITM}
    handles: {ro: munca, en: work, hu: munka}
    email: itm@example.ro
    address: Str. Titulescu 6
    keywords: [salariu]
  - code: itm
    name: {ro: Alt ITM, en: Other, hu: Masik}
    handles: {ro: munca, en: work, hu: munka}
    email: itm2@example.ro
    address: Str. Titulescu 6
    keywords: [salariu]
  - code: Politia
    name: {ro: Poliția}
    handles: {ro: furturi, en: theft, hu: lopas}
    email: not-an-address
    address: ""
    keywords: []
`)}}
	var got []string
	for _, p := range Validate(fsys) {
		got = append(got, p.String())
	}
	want := []string{
		`institutions.yaml:8: institutions[1].code: institution code "itm" is already used at line 2`,
		`institutions.yaml:14: institutions[2].code: "Politia" is not a code: use lower-case letters a-z, digits and single dashes`,
		`institutions.yaml:15: institutions[2].name: no text in en, hu`,
		`institutions.yaml:17: institutions[2].email: "not-an-address" is not an e-mail address`,
		`institutions.yaml:18: institutions[2].address: missing; the forwarding letter is addressed there`,
		`institutions.yaml:19: institutions[2].keywords: missing; list what the institution handles, e.g. "salariu neplatit"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if _, err := LoadFS(fsys); err == nil {
		t.Fatal("a bad institutions.yaml loaded")
	}
	if ps := Validate(fstest.MapFS{"institutions.yaml": {Data: []byte("institutions: []\n")}}); len(ps) != 1 || ps[0].Line != 1 {
		t.Errorf("empty list: %v", ps)
	}
	// unknown keys are refused: the file is strict YAML like the services
	ps := Validate(fstest.MapFS{"institutions.yaml": {Data: []byte("institutions:\n  - code: x\n    telefon: 1\n")}})
	if len(ps) == 0 || !strings.Contains(ps[0].Reason, `unknown key "telefon"`) {
		t.Errorf("unknown key: %v", ps)
	}
}
