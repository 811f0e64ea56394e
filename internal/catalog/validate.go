package catalog

import (
	"cmp"
	"fmt"
	"io/fs"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/cetate/cetate/internal/calendar"
)

// Problem is something wrong in a catalogue file, on a line (0 when the
// problem is with the file as a whole).
type Problem struct {
	File   string
	Line   int
	Reason string
}

// String returns "file:line: reason", the form editors and CI logs link.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason)
}

// Problems is the error Load and LoadFS return: every problem found, sorted
// by file and line.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return "catalog: " + strconv.Itoa(len(ps)) + " problem(s):\n" + strings.Join(lines, "\n")
}

// Validate checks the catalogue folder fsys (departments.yaml and service
// files) and returns every problem found, sorted by file and line; none means
// LoadFS(fsys) succeeds. Departments fsys does not define are taken from the
// embedded catalogue, so a folder of services alone is checked against the
// city's departments.
func Validate(fsys fs.FS) []Problem {
	return check(readEmbeddedDepartments(), readSet(fsys, plainNamer))
}

// ValidateDir is Validate for a folder on disk; problems name files by their
// path under dir.
func ValidateDir(dir string) []Problem {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		reason := "not a folder"
		if err != nil {
			reason = err.Error()
		}
		return []Problem{{File: dir, Reason: reason}}
	}
	return check(readEmbeddedDepartments(), readSet(os.DirFS(dir), dirNamer(dir)))
}

// check returns the problems of each set and those that need them all:
// codes defined twice in one folder, and services naming a department that
// no set defines. Later sets override earlier ones, so the same code in two
// sets is not a problem.
func check(sets ...*fileSet) Problems {
	var problems Problems
	departments := map[string]bool{}
	for _, set := range sets {
		problems = append(problems, set.problems...)
		seen := map[string]deptDoc{}
		for _, d := range set.departments {
			if d.dept.Code == "" {
				continue
			}
			if first, dup := seen[d.dept.Code]; dup {
				problems = append(problems, Problem{
					File: d.file, Line: lineOf(d.doc, p("departments", d.index, "code")),
					Reason: fmt.Sprintf("department code %q is already used at line %d", d.dept.Code, lineOf(first.doc, p("departments", first.index, "code"))),
				})
				continue
			}
			seen[d.dept.Code] = d
			departments[d.dept.Code] = true
		}
	}
	for _, set := range sets {
		seen := map[string]serviceDoc{}
		for _, s := range set.services {
			if s.svc.Code != "" {
				if first, dup := seen[s.svc.Code]; dup {
					problems = append(problems, Problem{
						File: s.file, Line: lineOf(s.doc, p("code")),
						Reason: fmt.Sprintf("service code %q is already defined in %s:%d", s.svc.Code, first.file, lineOf(first.doc, p("code"))),
					})
				} else {
					seen[s.svc.Code] = s
				}
			}
			if dept := s.svc.Department; dept != "" && !departments[dept] {
				problems = append(problems, Problem{
					File: s.file, Line: lineOf(s.doc, p("department")),
					Reason: fmt.Sprintf("department %q is not in departments.yaml", dept),
				})
			}
		}
	}
	slices.SortStableFunc(problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return problems
}

var (
	slugPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	fieldKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// Limits on definitions. They keep a typo (max_size_mb: 1000) from reaching
// citizens; a city that needs more can change them here.
const (
	maxCodeLength      = 64
	maxTermDays        = 3650
	maxFieldMaxLength  = 100000
	maxFieldMaxSizeMB  = 100
	maxFieldMaxFiles   = 20
	maxExtensionDays   = 365
	maxFieldsOfService = 200
)

// p builds a path into a YAML document: map keys and list indexes.
func p(steps ...any) []any { return steps }

// pathString writes a path the way a YAML author reads it: fields[2].label.
func pathString(path []any) string {
	var b strings.Builder
	for _, step := range path {
		switch step := step.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(step)
		case int:
			fmt.Fprintf(&b, "[%d]", step)
		}
	}
	return b.String()
}

// checker collects the problems of one file.
type checker struct {
	file     string
	doc      *ast.File
	problems []Problem
}

// add records a problem at path; the reason is prefixed with the path.
func (c *checker) add(path []any, format string, args ...any) {
	reason := fmt.Sprintf(format, args...)
	if len(path) > 0 {
		reason = pathString(path) + ": " + reason
	}
	c.problems = append(c.problems, Problem{File: c.file, Line: lineOf(c.doc, path), Reason: reason})
}

// text checks that t is written in all three languages; when required is
// false an absent text is fine, a half-translated one is not.
func (c *checker) text(path []any, t Text, required bool) {
	if t.IsZero() {
		if required {
			c.add(path, "missing; write it in ro, en and hu")
		}
		return
	}
	var missing []string
	for _, l := range []struct{ lang, s string }{{"ro", t.RO}, {"en", t.EN}, {"hu", t.HU}} {
		if strings.TrimSpace(l.s) == "" {
			missing = append(missing, l.lang)
		}
	}
	if len(missing) > 0 {
		c.add(path, "no text in %s", strings.Join(missing, ", "))
	}
}

// slug checks a required code.
func (c *checker) slug(path []any, s string) {
	switch {
	case s == "":
		c.add(path, "missing")
	case len(s) > maxCodeLength:
		c.add(path, "%q is longer than %d characters", s, maxCodeLength)
	case !slugPattern.MatchString(s):
		c.add(path, "%q is not a code: use lower-case letters a-z, digits and single dashes", s)
	}
}

func (c *checker) checkDepartment(i int, d *Department) {
	c.slug(p("departments", i, "code"), d.Code)
	if strings.TrimSpace(d.Compartment) == "" {
		c.add(p("departments", i, "compartment"), "missing; it is the code in registry numbers, e.g. \"101\"")
	}
	c.text(p("departments", i, "name"), d.Name, true)
}

func (c *checker) checkService(s *Service) {
	c.slug(p("code"), s.Code)
	c.text(p("name"), s.Name, true)
	c.text(p("summary"), s.Summary, true)
	c.text(p("who"), s.Who, true)
	if s.Department == "" {
		c.add(p("department"), "missing")
	}
	if strings.TrimSpace(s.LegalBasis) == "" {
		c.add(p("legal_basis"), "missing; name the law, e.g. \"OG 27/2002 art. 8\"")
	}
	switch {
	case s.LegalTerm.Days <= 0:
		c.add(p("legal_term", "days"), "must be more than 0")
	case s.LegalTerm.Days > maxTermDays:
		c.add(p("legal_term", "days"), "%d days is more than %d", s.LegalTerm.Days, maxTermDays)
	}
	if s.TargetDays < 0 {
		c.add(p("target_days"), "must not be negative")
	} else if limit := calendarDaysAtMost(s.LegalTerm); s.LegalTerm.Days > 0 && s.TargetDays > limit {
		c.add(p("target_days"), "%d calendar days is longer than the legal term of %d %s", s.TargetDays, s.LegalTerm.Days, termUnit(s.LegalTerm))
	}
	if s.Extension.MaxDays < 0 || s.Extension.MaxDays > maxExtensionDays {
		c.add(p("extension", "max_days"), "must be between 0 and %d", maxExtensionDays)
	}
	if s.Fee.Amount < 0 || math.IsNaN(s.Fee.Amount) || math.IsInf(s.Fee.Amount, 0) {
		c.add(p("fee", "amount"), "must be 0 or more lei")
	}
	c.text(p("fee", "note"), s.Fee.Note, false)
	for i, d := range s.Documents {
		c.text(p("documents", i), d, true)
	}
	switch s.Automation {
	case AutomationFull, AutomationPartial, AutomationManual:
	case "":
		c.add(p("automation"), "missing; use A, P or M")
	default:
		c.add(p("automation"), "%q is not A, P or M", s.Automation)
	}
	c.slug(p("register"), s.Register)
	for i, e := range s.LifeEvents {
		c.slug(p("life_events", i), e)
	}
	for i, k := range s.Keywords {
		if strings.TrimSpace(k) == "" {
			c.add(p("keywords", i), "empty keyword")
		}
	}
	if s.Enabled && len(s.Fields) == 0 {
		c.add(p("fields"), "an enabled service needs at least one field")
	}
	if len(s.Fields) > maxFieldsOfService {
		c.add(p("fields"), "more than %d fields", maxFieldsOfService)
	}
	keys := map[string]int{}
	for i, f := range s.Fields {
		if f == nil {
			c.add(p("fields", i), "empty field")
			continue
		}
		if first, dup := keys[f.Key]; dup && f.Key != "" {
			c.add(p("fields", i, "key"), "key %q is already used by fields[%d]", f.Key, first)
		} else {
			keys[f.Key] = i
		}
		c.checkField(i, f)
	}
	for i, r := range s.Rules {
		c.checkRule(i, r)
	}
}

// calendarDaysAtMost returns the most calendar days term can last: its days
// for a calendar term; for working days, five working days to a week plus a
// weekend of slack for holidays. A service-level target longer than that
// promises less than the law.
func calendarDaysAtMost(t calendar.Term) int {
	if !t.Working {
		return t.Days
	}
	return (t.Days*7+4)/5 + 2
}

func termUnit(t calendar.Term) string {
	if t.Working {
		return "working days"
	}
	return "calendar days"
}

func (c *checker) checkField(i int, f *Field) {
	at := func(key string) []any { return p("fields", i, key) }
	switch {
	case f.Key == "":
		c.add(at("key"), "missing")
	case len(f.Key) > maxCodeLength || !fieldKeyPattern.MatchString(f.Key):
		c.add(at("key"), "%q is not a field key: start with a letter a-z, then letters, digits or _", f.Key)
	}
	if f.Type == "" {
		c.add(at("type"), "missing")
	} else if !slices.Contains(fieldTypes, f.Type) {
		names := make([]string, len(fieldTypes))
		for i, t := range fieldTypes {
			names[i] = string(t)
		}
		c.add(at("type"), "unknown type %q; use one of %s", f.Type, strings.Join(names, ", "))
	}
	c.text(at("label"), f.Label, true)
	c.text(at("hint"), f.Hint, false)

	textual := f.Type == FieldText || f.Type == FieldTextarea || f.Type == FieldAddress
	if !textual && (f.MaxLength != 0 || f.MinLength != 0) {
		c.add(at(cmp.Or(nonZeroKey(f.MaxLength, "max_length"), "min_length")), "applies only to text, textarea and address fields")
	}
	if textual {
		maxLength := f.MaxLength
		if maxLength == 0 {
			maxLength = map[FieldType]int{FieldText: DefaultTextMaxLength, FieldTextarea: DefaultTextareaMaxLength, FieldAddress: DefaultAddressMaxLength}[f.Type]
		}
		switch {
		case f.MaxLength < 0 || f.MaxLength > maxFieldMaxLength:
			c.add(at("max_length"), "must be between 1 and %d", maxFieldMaxLength)
		case f.MinLength < 0:
			c.add(at("min_length"), "must not be negative")
		case f.MinLength > maxLength:
			c.add(at("min_length"), "%d is more than max_length %d", f.MinLength, maxLength)
		}
	}

	if f.Type != FieldNumber && (f.Min != nil || f.Max != nil) {
		c.add(at(cmp.Or(nonNilKey(f.Min, "min"), "max")), "applies only to number fields")
	}
	if f.Type == FieldNumber {
		for _, b := range []struct {
			key string
			v   *float64
		}{{"min", f.Min}, {"max", f.Max}} {
			if b.v != nil && (math.IsNaN(*b.v) || math.IsInf(*b.v, 0)) {
				c.add(at(b.key), "must be a finite number")
			}
		}
		if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
			c.add(at("min"), "%v is more than max %v", *f.Min, *f.Max)
		}
	}

	if f.Type != FieldDate && (f.MinDate != "" || f.MaxDate != "") {
		c.add(at(cmp.Or(nonEmptyKey(f.MinDate, "min_date"), "max_date")), "applies only to date fields")
	}
	if f.Type == FieldDate {
		minD, minErr := parseDateBound(f.MinDate)
		maxD, maxErr := parseDateBound(f.MaxDate)
		if minErr != nil {
			c.add(at("min_date"), "%v", minErr)
		}
		if maxErr != nil {
			c.add(at("max_date"), "%v", maxErr)
		}
		if minErr == nil && maxErr == nil && !minD.isZero() && !maxD.isZero() {
			// Offsets are compared on a fixed day; both move together.
			if today := calendar.Day(2000, 1, 1); minD.resolve(today).After(maxD.resolve(today)) {
				c.add(at("min_date"), "%s is after max_date %s", f.MinDate, f.MaxDate)
			}
		}
	}

	if f.Type != FieldChoice && len(f.Options) > 0 {
		c.add(at("options"), "applies only to choice fields")
	}
	if f.Type == FieldChoice {
		if len(f.Options) == 0 {
			c.add(at("options"), "a choice field needs options")
		}
		values := map[string]bool{}
		for j, o := range f.Options {
			opt := func(key string) []any { return p("fields", i, "options", j, key) }
			switch {
			case strings.TrimSpace(o.Value) == "" || strings.TrimSpace(o.Value) != o.Value:
				c.add(opt("value"), "missing, or with spaces around it")
			case values[o.Value]:
				c.add(opt("value"), "%q is already an option", o.Value)
			}
			values[o.Value] = true
			c.text(opt("label"), o.Label, true)
		}
	}

	if f.Type != FieldFile && (f.MaxSizeMB != 0 || len(f.Accept) > 0 || f.MaxFiles != 0) {
		key := "max_files"
		if f.MaxSizeMB != 0 {
			key = "max_size_mb"
		} else if len(f.Accept) > 0 {
			key = "accept"
		}
		c.add(at(key), "applies only to file fields")
	}
	if f.Type == FieldFile {
		if f.MaxSizeMB < 0 || f.MaxSizeMB > maxFieldMaxSizeMB {
			c.add(at("max_size_mb"), "must be between 1 and %d", maxFieldMaxSizeMB)
		}
		if f.MaxFiles < 0 || f.MaxFiles > maxFieldMaxFiles {
			c.add(at("max_files"), "must be between 1 and %d", maxFieldMaxFiles)
		}
		seen := map[string]bool{}
		for j, t := range f.Accept {
			switch {
			case !slices.Contains(ContentTypes, t):
				c.add(p("fields", i, "accept", j), "%q is not a file type Cetate recognises; use one of %s", t, strings.Join(ContentTypes, ", "))
			case seen[t]:
				c.add(p("fields", i, "accept", j), "%q is listed twice", t)
			}
			seen[t] = true
		}
	}
}

func nonZeroKey(v int, key string) string {
	if v != 0 {
		return key
	}
	return ""
}

func nonNilKey(v *float64, key string) string {
	if v != nil {
		return key
	}
	return ""
}

func nonEmptyKey(v, key string) string {
	if v != "" {
		return key
	}
	return ""
}
