package catalog

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	catalogfiles "github.com/cetate/cetate/catalog"
)

// departmentsFile is the name of the departments file at the root of a
// catalogue folder. Every other .yaml or .yml file in the folder or below it
// defines one service; file names do not matter, codes do.
const departmentsFile = "departments.yaml"

// Load loads the embedded catalogue and, if extraDir is not empty, the
// catalogue folder extraDir on top of it: a service there replaces the
// embedded service with the same code or adds a new one, and a departments.yaml
// there replaces or adds departments by code. Nothing is loaded unless both
// are free of problems; the error is then Problems, the same list Validate
// and ValidateDir report.
func Load(extraDir string) (*Catalog, error) {
	base := readEmbedded()
	sets := []*fileSet{base}
	if extraDir != "" {
		sets = append(sets, readSet(os.DirFS(extraDir), dirNamer(extraDir)))
	}
	return build(sets...)
}

// LoadFS loads the catalogue in fsys (departments.yaml and service files).
// Departments fsys does not define come from the embedded catalogue, so a
// folder of services alone loads against the city's departments.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	return build(readEmbeddedDepartments(), readSet(fsys, plainNamer))
}

// build merges sets, later ones overriding earlier ones by code, checks the
// result and returns it, or the problems of every set.
func build(sets ...*fileSet) (*Catalog, error) {
	problems := check(sets...)
	if len(problems) > 0 {
		return nil, problems
	}
	var departments []*Department
	deptAt := map[string]int{}
	for _, set := range sets {
		for _, d := range set.departments {
			if i, ok := deptAt[d.dept.Code]; ok {
				departments[i] = d.dept
				continue
			}
			deptAt[d.dept.Code] = len(departments)
			departments = append(departments, d.dept)
		}
	}
	byCode := map[string]*Service{}
	for _, set := range sets {
		for _, s := range set.services {
			byCode[s.svc.Code] = s.svc
		}
	}
	services := make([]*Service, 0, len(byCode))
	for _, s := range byCode {
		applyDefaults(s)
		services = append(services, s)
	}
	cat := newCatalog(departments, services)
	cat.institutions = mergeInstitutions(sets)
	return cat, nil
}

// applyDefaults fills the limits a definition left out.
func applyDefaults(s *Service) {
	for _, f := range s.Fields {
		switch f.Type {
		case FieldText:
			f.MaxLength = cmpOr(f.MaxLength, DefaultTextMaxLength)
		case FieldTextarea:
			f.MaxLength = cmpOr(f.MaxLength, DefaultTextareaMaxLength)
		case FieldAddress:
			f.MaxLength = cmpOr(f.MaxLength, DefaultAddressMaxLength)
		case FieldFile:
			f.MaxSizeMB = cmpOr(f.MaxSizeMB, DefaultMaxSizeMB)
			f.MaxFiles = cmpOr(f.MaxFiles, DefaultMaxFiles)
			if len(f.Accept) == 0 {
				f.Accept = append([]string(nil), DefaultAccept...)
			}
		}
	}
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// A fileSet is one catalogue folder, read and decoded, with the problems
// found in each file on its own.
type fileSet struct {
	departments  []deptDoc
	services     []serviceDoc
	institutions []*Institution
	problems     []Problem
}

type deptDoc struct {
	dept  *Department
	file  string
	doc   *ast.File
	index int // position in the departments list
}

type serviceDoc struct {
	svc  *Service
	file string
	doc  *ast.File
}

// plainNamer reports files by their path in the fs.FS.
func plainNamer(p string) string { return p }

// dirNamer reports files by their path on disk.
func dirNamer(dir string) func(string) string {
	return func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
}

// readEmbedded reads the embedded catalogue, reported as catalog/....
func readEmbedded() *fileSet {
	return readSet(catalogfiles.Files, func(p string) string { return path.Join("catalog", p) })
}

// readEmbeddedDepartments reads only the embedded departments.yaml (and
// institutions.yaml), which lend their departments and institutions to a folder
// checked or loaded on its own.
func readEmbeddedDepartments() *fileSet {
	set := &fileSet{}
	if data, err := fs.ReadFile(catalogfiles.Files, departmentsFile); err == nil {
		set.readDepartments(path.Join("catalog", departmentsFile), data)
	}
	if data, err := fs.ReadFile(catalogfiles.Files, institutionsFile); err == nil {
		set.readInstitutions(path.Join("catalog", institutionsFile), data)
	}
	return set
}

// readSet reads departments.yaml and every service file in fsys and runs the
// checks that need only one file. name turns a path in fsys into the name
// problems report.
func readSet(fsys fs.FS, name func(string) string) *fileSet {
	set := &fileSet{}
	if data, err := fs.ReadFile(fsys, departmentsFile); err == nil {
		set.readDepartments(name(departmentsFile), data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		set.problems = append(set.problems, Problem{File: name(departmentsFile), Reason: err.Error()})
	}
	if data, err := fs.ReadFile(fsys, institutionsFile); err == nil {
		set.readInstitutions(name(institutionsFile), data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		set.problems = append(set.problems, Problem{File: name(institutionsFile), Reason: err.Error()})
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			set.problems = append(set.problems, Problem{File: name(p), Reason: err.Error()})
			return nil
		}
		if d.IsDir() {
			// Hidden folders (.git) are not part of the catalogue.
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if p == departmentsFile || p == institutionsFile || strings.HasPrefix(d.Name(), ".") || !isYAML(p) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			set.problems = append(set.problems, Problem{File: name(p), Reason: err.Error()})
			return nil
		}
		set.readService(name(p), data)
		return nil
	})
	if err != nil {
		set.problems = append(set.problems, Problem{File: name("."), Reason: err.Error()})
	}
	return set
}

func isYAML(p string) bool {
	ext := path.Ext(p)
	return ext == ".yaml" || ext == ".yml"
}

func (set *fileSet) readDepartments(file string, data []byte) {
	var v struct {
		Departments []*Department `yaml:"departments"`
	}
	doc, problems := decode(file, data, &v)
	set.problems = append(set.problems, problems...)
	if doc == nil {
		return
	}
	c := &checker{file: file, doc: doc}
	if len(v.Departments) == 0 {
		c.add(nil, "departments: the list is missing or empty")
	}
	for i, d := range v.Departments {
		if d == nil {
			c.add(p("departments", i), "empty department")
			continue
		}
		c.checkDepartment(i, d)
		set.departments = append(set.departments, deptDoc{dept: d, file: file, doc: doc, index: i})
	}
	set.problems = append(set.problems, c.problems...)
}

func (set *fileSet) readService(file string, data []byte) {
	s := &Service{Enabled: true}
	doc, problems := decode(file, data, s)
	set.problems = append(set.problems, problems...)
	if doc == nil {
		return
	}
	c := &checker{file: file, doc: doc}
	c.checkService(s)
	set.problems = append(set.problems, c.problems...)
	set.services = append(set.services, serviceDoc{svc: s, file: file, doc: doc})
}

// decode parses data as one YAML document and decodes it strictly into v:
// a key v has no field for is a problem. It returns the syntax tree, for
// finding the lines of later problems, or nil with the problem that stopped
// it.
func decode(file string, data []byte, v any) (*ast.File, []Problem) {
	doc, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, []Problem{yamlProblem(file, err)}
	}
	if len(doc.Docs) == 0 || doc.Docs[0].Body == nil {
		return nil, []Problem{{File: file, Line: 1, Reason: "the file is empty"}}
	}
	if len(doc.Docs) > 1 {
		line := 1
		if tk := doc.Docs[1].GetToken(); tk != nil {
			line = tk.Position.Line
		}
		return nil, []Problem{{File: file, Line: line, Reason: "more than one YAML document; put one definition per file"}}
	}
	dec := yaml.NewDecoder(strings.NewReader(""), yaml.Strict())
	if err := dec.DecodeFromNode(doc.Docs[0].Body, v); err != nil {
		return nil, []Problem{yamlProblem(file, err)}
	}
	return doc, nil
}

// yamlProblem turns an error from go-yaml into a Problem on its line, in
// words for the person writing the file.
func yamlProblem(file string, err error) Problem {
	var yerr yaml.Error
	if !errors.As(err, &yerr) || yerr.GetToken() == nil {
		return Problem{File: file, Reason: err.Error()}
	}
	tk := yerr.GetToken()
	reason := yerr.GetMessage()
	var unknown *yaml.UnknownFieldError
	var typeErr *yaml.TypeError
	switch {
	case errors.As(err, &unknown):
		reason = "unknown key " + strconv.Quote(tk.Value)
	case errors.As(err, &typeErr):
		reason = "wrong value " + strconv.Quote(tk.Value) + ": want " + kindName(typeErr.DstType.Kind().String())
	}
	return Problem{File: file, Line: tk.Position.Line, Reason: reason}
}

// kindName names a Go kind in the words of a YAML author.
func kindName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "a whole number"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "text"
	case kind == "bool":
		return "true or false"
	case kind == "slice" || kind == "array":
		return "a list"
	case kind == "struct" || kind == "map" || kind == "ptr":
		return "a mapping of keys to values"
	}
	return kind
}

// lineOf returns the line of the element at path (map keys and list
// indexes) in doc, or of the deepest part of the path that exists, so a
// missing key is reported where it should have been.
func lineOf(doc *ast.File, path []any) int {
	if doc == nil || len(doc.Docs) == 0 || doc.Docs[0].Body == nil {
		return 1
	}
	node := doc.Docs[0].Body
	line := 1
	if tk := node.GetToken(); tk != nil {
		line = tk.Position.Line
	}
	for _, step := range path {
		node = unwrap(node)
		switch step := step.(type) {
		case string:
			m, ok := node.(ast.MapNode)
			if !ok {
				return line
			}
			found := false
			for it := m.MapRange(); it.Next(); {
				if tk := it.Key().GetToken(); tk != nil && tk.Value == step {
					line = tk.Position.Line
					node = it.Value()
					found = true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			seq, ok := node.(*ast.SequenceNode)
			if !ok || step < 0 || step >= len(seq.Values) {
				return line
			}
			node = seq.Values[step]
			if tk := node.GetToken(); tk != nil {
				line = tk.Position.Line
			}
		}
	}
	return line
}

// unwrap returns the node under anchors and tags.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}
