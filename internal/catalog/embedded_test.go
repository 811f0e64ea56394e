package catalog

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	catalogfiles "github.com/cetate/cetate/catalog"
)

func TestEmbeddedCatalogHasNoProblems(t *testing.T) {
	for _, p := range Validate(catalogfiles.Files) {
		t.Errorf("%s", p)
	}
}

func TestLoadEmbedded(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Services()); n < 30 {
		t.Errorf("%d services, want at least 30", n)
	}
	for _, s := range c.Services() {
		if _, ok := c.Department(s.Department); !ok {
			t.Errorf("%s: department %q missing", s.Code, s.Department)
		}
	}

	type field struct {
		typ      FieldType
		required bool
	}
	tests := []struct {
		code       string
		legalBasis string
		term       string // "30 calendar", "2 working"
		extension  int    // -1: not checked
		fields     map[string]field
	}{
		{
			code: "petitie", legalBasis: "OG 27/2002", term: "30 calendar", extension: 15,
			fields: map[string]field{
				"name":       {FieldText, true},
				"email":      {FieldEmail, true},
				"cnp":        {FieldCNP, false},
				"message":    {FieldTextarea, true},
				"attachment": {FieldFile, false},
			},
		},
		{
			code: "certificat-fiscal", term: "2 working", extension: -1,
			fields: map[string]field{
				"name":    {FieldText, true},
				"email":   {FieldEmail, true},
				"cnp":     {FieldCNP, true},
				"purpose": {FieldText, true},
			},
		},
		// Legea 544/2001 art. 7: 10 days, up to 30 when the applicant is told.
		{code: "informatii-publice", legalBasis: "544/2001", term: "10 calendar", extension: 20},
		{code: "certificat-urbanism", term: "15 calendar", extension: -1},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			s, ok := c.Service(tt.code)
			if !ok {
				t.Fatalf("service %s missing", tt.code)
			}
			if !s.Enabled {
				t.Errorf("%s is disabled", tt.code)
			}
			if !strings.Contains(s.LegalBasis, tt.legalBasis) {
				t.Errorf("legal basis %q, want it to name %q", s.LegalBasis, tt.legalBasis)
			}
			unit := "calendar"
			if s.LegalTerm.Working {
				unit = "working"
			}
			if got := strconv.Itoa(s.LegalTerm.Days) + " " + unit; got != tt.term {
				t.Errorf("legal term %s, want %s", got, tt.term)
			}
			if tt.extension >= 0 && s.Extension.MaxDays != tt.extension {
				t.Errorf("extension %d days, want %d", s.Extension.MaxDays, tt.extension)
			}
			got := map[string]*Field{}
			for _, f := range s.Fields {
				got[f.Key] = f
			}
			for key, want := range tt.fields {
				f, ok := got[key]
				if !ok {
					t.Errorf("field %s missing", key)
					continue
				}
				if f.Type != want.typ || f.Required != want.required {
					t.Errorf("field %s is %s required=%v, want %s required=%v", key, f.Type, f.Required, want.typ, want.required)
				}
			}
			if m, ok := got["message"]; ok && tt.code == "petitie" && m.MaxLength != 10000 {
				t.Errorf("petitie message max_length %d, want 10000", m.MaxLength)
			}
		})
	}
}

func TestLoadWithAFolder(t *testing.T) {
	c, err := Load("testdata/override")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Service("petitie"); !ok {
		t.Error("the embedded petitie is gone")
	}
	if s, ok := c.Service("test-petitie"); !ok || s.Department != "test-nou" {
		t.Errorf("the folder's service was not added: %+v", s)
	}
	if _, ok := c.Department("relatii-cetateni"); !ok {
		t.Error("embedded departments are gone")
	}

	_, err = Load("testdata/broken")
	var problems Problems
	if !errors.As(err, &problems) {
		t.Fatalf("Load(broken) = %v, want Problems", err)
	}
	for _, p := range problems {
		if !strings.HasPrefix(p.File, "testdata/broken/") {
			t.Errorf("problem outside the folder: %s", p)
		}
	}
	if len(problems) != len(ValidateDir("testdata/broken")) {
		t.Errorf("Load found %d problems, ValidateDir %d", len(problems), len(ValidateDir("testdata/broken")))
	}

	if _, err := Load("testdata/nothing-here"); err == nil {
		t.Error("Load of a missing folder succeeded")
	}
}
