package catalog

import "strings"

// institutionsFile lists, at the root of a catalogue folder, the other public
// institutions a petition may belong to (OG 27/2002 art. 6¹: a petition sent to
// the wrong authority is forwarded to the competent one within 5 days).
const institutionsFile = "institutions.yaml"

// Institution is another public authority, with what it handles: the virtual
// civil servant recognises a petition that belongs to it by its keywords, and the
// city hall forwards it there.
type Institution struct {
	// Code is the slug cases and forms refer to.
	Code string `yaml:"code" json:"code"`
	Name Text   `yaml:"name" json:"name"`
	// Handles says in plain words what the institution is competent for; the
	// citizen reads it when told why their petition went there.
	Handles Text   `yaml:"handles" json:"handles"`
	Email   string `yaml:"email" json:"email"`
	Address string `yaml:"address" json:"address"`
	Phone   string `yaml:"phone" json:"phone,omitempty"`
	Website string `yaml:"website" json:"website,omitempty"`
	// Keywords are words and short phrases of its competence, in Romanian as
	// people write them (diacritics optional): a petition naming one of them is
	// about the institution.
	Keywords []string `yaml:"keywords" json:"keywords"`
}

// Contact is the institution's address, e-mail and phone on one line.
func (i *Institution) Contact() string {
	parts := []string{i.Address, i.Email}
	if i.Phone != "" {
		parts = append(parts, i.Phone)
	}
	if i.Website != "" {
		parts = append(parts, i.Website)
	}
	return strings.Join(parts, ", ")
}

// Institutions returns the other institutions, in the order the file lists them.
func (c *Catalog) Institutions() []*Institution {
	return append([]*Institution(nil), c.institutions...)
}

// Institution returns the institution with the given code.
func (c *Catalog) Institution(code string) (*Institution, bool) {
	for _, i := range c.institutions {
		if i.Code == code {
			return i, true
		}
	}
	return nil, false
}

// Institutions returns the other institutions of the catalogue in force.
func (l *Live) Institutions() []*Institution { return l.Current().Institutions() }

// Institution returns the institution with the given code.
func (l *Live) Institution(code string) (*Institution, bool) { return l.Current().Institution(code) }

// readInstitutions reads institutions.yaml into the set, with the problems of
// each entry.
func (set *fileSet) readInstitutions(file string, data []byte) {
	var v struct {
		Institutions []*Institution `yaml:"institutions"`
	}
	doc, problems := decode(file, data, &v)
	set.problems = append(set.problems, problems...)
	if doc == nil {
		return
	}
	c := &checker{file: file, doc: doc}
	if len(v.Institutions) == 0 {
		c.add(nil, "institutions: the list is missing or empty")
	}
	seen := map[string]int{}
	for i, inst := range v.Institutions {
		if inst == nil {
			c.add(p("institutions", i), "empty institution")
			continue
		}
		if first, dup := seen[inst.Code]; dup && inst.Code != "" {
			c.add(p("institutions", i, "code"), "institution code %q is already used at line %d", inst.Code, lineOf(doc, p("institutions", first, "code")))
			continue
		}
		seen[inst.Code] = i
		c.checkInstitution(i, inst)
		set.institutions = append(set.institutions, inst)
	}
	set.problems = append(set.problems, c.problems...)
}

func (c *checker) checkInstitution(i int, inst *Institution) {
	c.slug(p("institutions", i, "code"), inst.Code)
	c.text(p("institutions", i, "name"), inst.Name, true)
	c.text(p("institutions", i, "handles"), inst.Handles, true)
	if _, fe := normalizeEmail(inst.Email); fe != nil {
		c.add(p("institutions", i, "email"), "%q is not an e-mail address", inst.Email)
	}
	if strings.TrimSpace(inst.Address) == "" {
		c.add(p("institutions", i, "address"), "missing; the forwarding letter is addressed there")
	}
	if len(inst.Keywords) == 0 {
		c.add(p("institutions", i, "keywords"), "missing; list what the institution handles, e.g. \"salariu neplatit\"")
	}
	for k, w := range inst.Keywords {
		if strings.TrimSpace(w) == "" {
			c.add(p("institutions", i, "keywords", k), "empty keyword")
		}
	}
}

// mergeInstitutions returns the institutions of the sets, later ones replacing
// earlier ones by code.
func mergeInstitutions(sets []*fileSet) []*Institution {
	var out []*Institution
	at := map[string]int{}
	for _, set := range sets {
		for _, inst := range set.institutions {
			if i, ok := at[inst.Code]; ok {
				out[i] = inst
				continue
			}
			at[inst.Code] = len(out)
			out = append(out, inst)
		}
	}
	return out
}
