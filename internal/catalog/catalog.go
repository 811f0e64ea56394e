// Package catalog reads the service catalogue (what a citizen can ask the
// city hall for, who handles it, in what legal term, and the form to fill in),
// checks service definitions, and checks what a citizen submits in a form.
//
// The catalogue is YAML: the files embedded from the top-level folder
// catalog/ (package github.com/cetate/cetate/catalog), plus an optional folder
// given in configuration whose services are added or replace embedded ones
// with the same code.
package catalog

import (
	"sort"

	"github.com/cetate/cetate/internal/calendar"
)

// Text is a text in the three languages of the portal.
type Text struct {
	RO string `yaml:"ro" json:"ro"`
	EN string `yaml:"en" json:"en"`
	HU string `yaml:"hu" json:"hu"`
}

// In returns the text in lang ("ro", "en" or "hu"), or the Romanian text when
// there is none in lang.
func (t Text) In(lang string) string {
	switch {
	case lang == "en" && t.EN != "":
		return t.EN
	case lang == "hu" && t.HU != "":
		return t.HU
	}
	return t.RO
}

// IsZero reports whether t has no text in any language.
func (t Text) IsZero() bool { return t == Text{} }

// Department is a compartment of the city hall that handles services.
type Department struct {
	// Code is the slug services and staff accounts refer to.
	Code string `yaml:"code" json:"code"`
	// Compartment is the code written in registry numbers
	// (594184/101/20.10.2021).
	Compartment string `yaml:"compartment" json:"compartment"`
	Name        Text   `yaml:"name" json:"name"`
}

// Automation says how far a service can be handled without a person.
type Automation string

// The automation levels.
const (
	// AutomationFull (A): end to end, a lookup or rule check and a signed answer.
	AutomationFull Automation = "A"
	// AutomationPartial (P): digital intake, checks, routing and tracking; a
	// person decides or inspects.
	AutomationPartial Automation = "P"
	// AutomationManual (M): the law requires presence or a physical act.
	AutomationManual Automation = "M"
)

// Service is one kind of request a citizen or company can file.
type Service struct {
	// Code is the slug that names the service everywhere ([a-z0-9-]).
	Code    string `yaml:"code" json:"code"`
	Name    Text   `yaml:"name" json:"name"`
	Summary Text   `yaml:"summary" json:"summary"`
	// Who says who may ask.
	Who Text `yaml:"who" json:"who"`
	// Department is the code of the department that handles it.
	Department string        `yaml:"department" json:"department"`
	LegalBasis string        `yaml:"legal_basis" json:"legal_basis"`
	LegalTerm  calendar.Term `yaml:"legal_term" json:"legal_term"`
	// TargetDays is the service-level target in calendar days; 0 means none
	// beyond the legal term.
	TargetDays int `yaml:"target_days" json:"target_days"`
	// Suspension says whether the clock may stop while information is
	// requested from the applicant.
	Suspension bool      `yaml:"suspension" json:"suspension"`
	Extension  Extension `yaml:"extension" json:"extension"`
	Fee        Fee       `yaml:"fee" json:"fee"`
	// Documents are the documents an applicant must provide.
	Documents  []Text     `yaml:"documents" json:"documents"`
	Automation Automation `yaml:"automation" json:"automation"`
	// Register is the registry register its entries are numbered in.
	Register   string   `yaml:"register" json:"register"`
	LifeEvents []string `yaml:"life_events" json:"life_events"`
	// Keywords are plain words and synonyms the service finder matches.
	Keywords []string `yaml:"keywords" json:"keywords"`
	// Enabled is false for a service that is listed but cannot be filed
	// online; it defaults to true.
	Enabled bool     `yaml:"enabled" json:"enabled"`
	Fields  []*Field `yaml:"fields" json:"fields"`
	// Rules are the virtual civil servant's rules for the service (rules.go).
	Rules []*Rule `yaml:"rules" json:"rules,omitempty"`
	// Sources name the registers the rules read (e.g. tax-roll); the virtual civil
	// servant gathers their facts for each request.
	Sources []string `yaml:"sources" json:"sources,omitempty"`
}

// Extension is how far the legal term may be extended.
type Extension struct {
	// MaxDays is the longest extension, in the unit of the legal term; 0
	// means the term cannot be extended.
	MaxDays int `yaml:"max_days" json:"max_days"`
}

// Fee is what the service costs.
type Fee struct {
	// Amount is in lei; 0 is free.
	Amount float64 `yaml:"amount" json:"amount"`
	Note   Text    `yaml:"note" json:"note"`
}

// FieldType is the kind of a form field, which decides how its value is
// checked and normalised.
type FieldType string

// The field types.
const (
	FieldText     FieldType = "text"     // one line of text
	FieldTextarea FieldType = "textarea" // several lines
	FieldEmail    FieldType = "email"
	FieldPhone    FieldType = "phone"
	FieldCNP      FieldType = "cnp"  // personal numeric code
	FieldCUI      FieldType = "cui"  // company fiscal code
	FieldIBAN     FieldType = "iban" // Romanian IBAN
	FieldDate     FieldType = "date"
	FieldNumber   FieldType = "number"
	FieldChoice   FieldType = "choice" // one of Options
	FieldCheckbox FieldType = "checkbox"
	FieldFile     FieldType = "file"
	FieldAddress  FieldType = "address"
)

// fieldTypes are the known field types, in the order the documentation lists them.
var fieldTypes = []FieldType{
	FieldText, FieldTextarea, FieldEmail, FieldPhone, FieldCNP, FieldCUI, FieldIBAN,
	FieldDate, FieldNumber, FieldChoice, FieldCheckbox, FieldFile, FieldAddress,
}

// Defaults for fields that leave a limit out.
const (
	DefaultTextMaxLength     = 200
	DefaultTextareaMaxLength = 10000
	DefaultAddressMaxLength  = 300
	DefaultMaxSizeMB         = 10
	DefaultMaxFiles          = 1
)

// DefaultAccept are the file types a file field takes when it names none.
var DefaultAccept = []string{"application/pdf", "image/jpeg", "image/png"}

// Field is one question of a service's form.
type Field struct {
	// Key names the value in submissions ([a-z][a-z0-9_]*).
	Key      string    `yaml:"key" json:"key"`
	Type     FieldType `yaml:"type" json:"type"`
	Required bool      `yaml:"required" json:"required"`
	Label    Text      `yaml:"label" json:"label"`
	Hint     Text      `yaml:"hint" json:"hint"`
	// MaxLength and MinLength count characters (text, textarea, address).
	// After loading, MaxLength holds the default when the file left it out.
	MaxLength int `yaml:"max_length" json:"max_length,omitempty"`
	MinLength int `yaml:"min_length" json:"min_length,omitempty"`
	// Min and Max bound a number; nil means no bound.
	Min *float64 `yaml:"min" json:"min,omitempty"`
	Max *float64 `yaml:"max" json:"max,omitempty"`
	// MinDate and MaxDate bound a date: "today", a date YYYY-MM-DD, or an
	// offset from today such as "-120y", "+30d", "-6m".
	MinDate string   `yaml:"min_date" json:"min_date,omitempty"`
	MaxDate string   `yaml:"max_date" json:"max_date,omitempty"`
	Options []Option `yaml:"options" json:"options,omitempty"`
	// MaxSizeMB, Accept and MaxFiles limit uploads to a file field.
	MaxSizeMB int      `yaml:"max_size_mb" json:"max_size_mb,omitempty"`
	Accept    []string `yaml:"accept" json:"accept,omitempty"`
	MaxFiles  int      `yaml:"max_files" json:"max_files,omitempty"`
}

// Option is one answer of a choice field.
type Option struct {
	Value string `yaml:"value" json:"value"`
	Label Text   `yaml:"label" json:"label"`
}

// Catalog is a loaded, checked catalogue. It is not changed after loading
// and is safe for concurrent use.
type Catalog struct {
	services    []*Service
	byCode      map[string]*Service
	departments []*Department
	deptByCode  map[string]*Department
	// institutions are the other authorities a petition may be forwarded to.
	institutions []*Institution
}

// newCatalog builds a Catalog; services are sorted by code, departments keep
// their order.
func newCatalog(departments []*Department, services []*Service) *Catalog {
	c := &Catalog{
		services:    services,
		byCode:      make(map[string]*Service, len(services)),
		departments: departments,
		deptByCode:  make(map[string]*Department, len(departments)),
	}
	sort.Slice(c.services, func(i, j int) bool { return c.services[i].Code < c.services[j].Code })
	for _, s := range services {
		c.byCode[s.Code] = s
	}
	for _, d := range departments {
		c.deptByCode[d.Code] = d
	}
	return c
}

// Services returns every service, enabled or not, sorted by code. The slice
// is the caller's; the services are shared and must not be changed.
func (c *Catalog) Services() []*Service {
	return append([]*Service(nil), c.services...)
}

// Service returns the service with the given code, enabled or not.
func (c *Catalog) Service(code string) (*Service, bool) {
	s, ok := c.byCode[code]
	return s, ok
}

// Departments returns the departments in the order the files list them.
func (c *Catalog) Departments() []*Department {
	return append([]*Department(nil), c.departments...)
}

// Department returns the department with the given code.
func (c *Catalog) Department(code string) (*Department, bool) {
	d, ok := c.deptByCode[code]
	return d, ok
}
