package catalog

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func loadGood(t testing.TB) *Catalog {
	t.Helper()
	c, err := LoadFS(os.DirFS("testdata/good"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// want is what a broken fixture says about itself in its first line:
// "# want <line>: <reason>" or "# want none: ...".
type want struct {
	none   bool
	line   int
	reason string
}

var wantPattern = regexp.MustCompile(`^# want (none|\d+): (.*)$`)

func readWant(t *testing.T, file string) want {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	m := wantPattern.FindStringSubmatch(sc.Text())
	if m == nil {
		t.Fatalf("%s: first line %q is not \"# want <line>: <reason>\"", file, sc.Text())
	}
	if m[1] == "none" {
		return want{none: true}
	}
	line, _ := strconv.Atoi(m[1])
	return want{line: line, reason: m[2]}
}

func TestValidateDirReportsEachBrokenFileOnItsLine(t *testing.T) {
	dir := filepath.Join("testdata", "broken")
	problems := ValidateDir(dir)
	byFile := map[string][]Problem{}
	for _, p := range problems {
		byFile[p.File] = append(byFile[p.File], p)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if filepath.Base(file) == departmentsFile {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			w := readWant(t, file)
			got := byFile[file]
			delete(byFile, file)
			if w.none {
				if len(got) != 0 {
					t.Errorf("want no problem, got %v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one problem at line %d (%s), got %v", w.line, w.reason, got)
			}
			if got[0].Line != w.line || !strings.Contains(got[0].Reason, w.reason) {
				t.Errorf("got %s, want line %d: %s", got[0], w.line, w.reason)
			}
			if prefix := file + ":" + strconv.Itoa(w.line) + ": "; !strings.HasPrefix(got[0].String(), prefix) {
				t.Errorf("String() = %q, want prefix %q", got[0].String(), prefix)
			}
		})
	}
	for file, ps := range byFile {
		t.Errorf("problems in %s, which has no test: %v", file, ps)
	}
}

func TestLoadFailsWithTheProblemsValidateReports(t *testing.T) {
	fsys := os.DirFS("testdata/broken")
	c, err := LoadFS(fsys)
	var problems Problems
	if c != nil || !errors.As(err, &problems) {
		t.Fatalf("LoadFS(broken) = %v, %v; want Problems", c, err)
	}
	if want := Validate(fsys); !slices.Equal(problems, Problems(want)) {
		t.Errorf("LoadFS problems:\n%v\nValidate problems:\n%v", problems, want)
	}
	if !strings.Contains(err.Error(), "syntax.yaml:") {
		t.Errorf("error text does not list the files: %v", err)
	}
}

func TestValidateDirThatIsNotThere(t *testing.T) {
	ps := ValidateDir(filepath.Join("testdata", "nothing-here"))
	if len(ps) != 1 || ps[0].File != filepath.Join("testdata", "nothing-here") {
		t.Errorf("got %v", ps)
	}
}

func TestLoadFS(t *testing.T) {
	if ps := ValidateDir("testdata/good"); len(ps) > 0 {
		t.Fatalf("good fixtures have problems: %v", ps)
	}
	c := loadGood(t)
	var codes []string
	for _, s := range c.Services() {
		codes = append(codes, s.Code)
	}
	if want := []string{"test-petitie", "test-toate"}; !slices.Equal(codes, want) {
		t.Errorf("services %v, want %v", codes, want)
	}
	p, ok := c.Service("test-petitie")
	if !ok {
		t.Fatal("test-petitie missing")
	}
	if !p.Enabled || p.LegalTerm.Days != 30 || p.LegalTerm.Working || p.Extension.MaxDays != 15 || p.TargetDays != 20 || !p.Suspension {
		t.Errorf("test-petitie decoded as %+v", p)
	}
	if p.Name.In("hu") != "Petíció" || p.Name.In("de") != "Petiție" {
		t.Errorf("name = %+v", p.Name)
	}
	fields := map[string]*Field{}
	for _, f := range p.Fields {
		fields[f.Key] = f
	}
	if f := fields["name"]; f.MaxLength != DefaultTextMaxLength {
		t.Errorf("name max_length = %d, want the default %d", f.MaxLength, DefaultTextMaxLength)
	}
	if f := fields["attachment"]; f.MaxSizeMB != DefaultMaxSizeMB || f.MaxFiles != 1 || !slices.Equal(f.Accept, DefaultAccept) {
		t.Errorf("attachment defaults not applied: %+v", f)
	}
	if toate, _ := c.Service("test-toate"); toate.Enabled || toate.Fee.Amount != 12.5 || !toate.LegalTerm.Working {
		t.Errorf("test-toate decoded as %+v", toate)
	}
	if _, ok := c.Service("nu-exista"); ok {
		t.Error("found a service that does not exist")
	}
	// Departments the folder does not define come from the embedded catalogue.
	d, ok := c.Department("test-relatii")
	if !ok || d.Compartment != "901" {
		t.Errorf("department test-relatii = %+v, %v", d, ok)
	}
	if len(c.Departments()) < 2 {
		t.Errorf("departments: %v", c.Departments())
	}
}

func TestAFolderOverridesByCode(t *testing.T) {
	c, err := build(readSet(os.DirFS("testdata/good"), plainNamer), readSet(os.DirFS("testdata/override"), plainNamer))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.Service("test-petitie")
	if p.Name.RO != "Petiție locală" || p.Department != "test-nou" {
		t.Errorf("test-petitie was not replaced: %+v", p)
	}
	if _, ok := c.Service("test-toate"); !ok {
		t.Error("test-toate, not overridden, is gone")
	}
	if d, _ := c.Department("test-taxe"); d.Compartment != "999" {
		t.Errorf("department test-taxe was not replaced: %+v", d)
	}
	if d, _ := c.Department("test-relatii"); d.Compartment != "901" {
		t.Errorf("department test-relatii was lost: %+v", d)
	}
	var codes []string
	for _, d := range c.Departments() {
		codes = append(codes, d.Code)
	}
	if want := []string{"test-relatii", "test-taxe", "test-nou"}; !slices.Equal(codes, want) {
		t.Errorf("departments in order %v, want %v", codes, want)
	}
}

func TestText(t *testing.T) {
	tx := Text{RO: "Petiție", EN: "Petition"}
	for lang, want := range map[string]string{"ro": "Petiție", "en": "Petition", "hu": "Petiție", "": "Petiție"} {
		if got := tx.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
	if tx.IsZero() || !(Text{}).IsZero() {
		t.Error("IsZero")
	}
}

func TestSniffContentType(t *testing.T) {
	pngHead := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n"), "application/pdf"},
		{"pdf after junk", append([]byte("\xef\xbb\xbfsome scanner header\n"), []byte("%PDF-1.4\n")...), "application/pdf"},
		{"png", pngHead, "image/png"},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), "image/jpeg"},
		{"text", []byte("Bună ziua"), "text/plain"},
		{"html is not text/plain", []byte("<html><body>x</body></html>"), "text/html"},
		{"zip", []byte("PK\x03\x04"), "application/zip"},
		{"empty", nil, "text/plain"},
	}
	for _, tt := range tests {
		if got := SniffContentType(tt.head); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, ct := range ContentTypes {
		if contentTypeNames[ct] == "" {
			t.Errorf("%s has no name for citizens", ct)
		}
	}
}
