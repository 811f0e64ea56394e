package catalog

import (
	"slices"
	"testing"
	"testing/fstest"
)

func TestValidateDepartments(t *testing.T) {
	fsys := fstest.MapFS{"departments.yaml": {Data: []byte(`departments:
  - code: test-a
    compartment: "901"
    name: {ro: A, en: A, hu: A}
  - code: test-a
    compartment: "902"
    name: {ro: B, en: B, hu: B}
  - code: Test_C
    compartment: ""
    name: {ro: C}
`)}}
	var got []string
	for _, p := range Validate(fsys) {
		got = append(got, p.String())
	}
	want := []string{
		`departments.yaml:5: department code "test-a" is already used at line 2`,
		`departments.yaml:8: departments[2].code: "Test_C" is not a code: use lower-case letters a-z, digits and single dashes`,
		`departments.yaml:9: departments[2].compartment: missing; it is the code in registry numbers, e.g. "101"`,
		`departments.yaml:10: departments[2].name: no text in en, hu`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if ps := Validate(fstest.MapFS{"departments.yaml": {Data: []byte("departments: []\n")}}); len(ps) != 1 || ps[0].Line != 1 {
		t.Errorf("empty list: %v", ps)
	}
}
