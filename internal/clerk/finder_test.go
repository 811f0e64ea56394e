package clerk

import (
	"bufio"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/cetate/cetate/internal/catalog"
)

// phrasing is one line of testdata/phrasings.tsv.
type phrasing struct {
	line          int
	query, code   string
	lang          string
	first, inTop3 bool
}

func loadFinder(t testing.TB) (*Finder, *catalog.Catalog) {
	t.Helper()
	cat, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return NewFinder(cat), cat
}

func readPhrasings(t testing.TB, cat *catalog.Catalog) []phrasing {
	t.Helper()
	file, err := os.Open("testdata/phrasings.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var out []phrasing
	sc := bufio.NewScanner(file)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 || len(cols) > 3 {
			t.Fatalf("phrasings.tsv:%d: want phrase, code and an optional language separated by tabs", n)
		}
		p := phrasing{line: n, query: cols[0], code: cols[1], lang: "ro"}
		if len(cols) == 3 {
			p.lang = cols[2]
		}
		if _, ok := cat.Service(p.code); !ok {
			t.Fatalf("phrasings.tsv:%d: no service %q", n, p.code)
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func codes(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Service.Code
	}
	return out
}

// TestPhrasings measures precision@1 over what people type: the right service
// must come first for at least 95% of the phrasings, and be among the first
// three for all of them.
func TestPhrasings(t *testing.T) {
	f, cat := loadFinder(t)
	ps := readPhrasings(t, cat)
	if len(ps) < 80 {
		t.Fatalf("only %d phrasings; want at least 80", len(ps))
	}
	first := 0
	for i := range ps {
		p := &ps[i]
		got := codes(f.Find(p.query, p.lang, 3))
		for rank, c := range got {
			if c == p.code {
				p.first, p.inTop3 = rank == 0, true
			}
		}
		if p.first {
			first++
		} else {
			t.Logf("line %d: %q (%s): want %s first, got %v", p.line, p.query, p.lang, p.code, got)
		}
	}
	precision := float64(first) / float64(len(ps))
	t.Logf("precision@1: %d/%d = %.1f%%", first, len(ps), 100*precision)
	if precision < 0.95 {
		t.Errorf("precision@1 %.1f%% is under 95%%", 100*precision)
	}
	t.Run("top3", func(t *testing.T) {
		for _, p := range ps {
			if !p.inTop3 {
				t.Errorf("line %d: %q (%s): %s is not in the first three", p.line, p.query, p.lang, p.code)
			}
		}
	})
}

// TestPhrasingsCoverDepartments keeps the phrasings honest: every department
// that has a service has a phrasing, and so do English and Hungarian.
func TestPhrasingsCoverDepartments(t *testing.T) {
	_, cat := loadFinder(t)
	covered := map[string]bool{}
	langs := map[string]int{}
	for _, p := range readPhrasings(t, cat) {
		s, _ := cat.Service(p.code)
		covered[s.Department] = true
		langs[p.lang]++
	}
	for _, s := range cat.Services() {
		if !covered[s.Department] {
			t.Errorf("no phrasing for department %s (service %s)", s.Department, s.Code)
		}
	}
	if langs["en"] < 5 || langs["hu"] < 5 {
		t.Errorf("phrasings per language: %v; want at least 5 in English and in Hungarian", langs)
	}
}

func TestFindNothing(t *testing.T) {
	f, _ := loadFinder(t)
	for _, q := range []string{"", "   ", "qwerty zxcv", "asdfgh", "vreau sa", "de la pe", "the a an", "xyzzy plugh buletin frobnicate"} {
		if got := f.Find(q, "ro", 10); len(got) != 0 {
			t.Errorf("Find(%q) = %v; want nothing", q, codes(got))
		}
	}
}

func TestFindLimitAndOrder(t *testing.T) {
	f, _ := loadFinder(t)
	all := f.Find("certificat", "ro", 0)
	if len(all) < 3 {
		t.Fatalf("certificat: %v; want several services", codes(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Score > all[i-1].Score {
			t.Fatalf("not best first: %v", all)
		}
	}
	if got := f.Find("certificat", "ro", 2); len(got) != 2 || got[0].Service != all[0].Service {
		t.Errorf("limit 2: %v; want the first two of %v", codes(got), codes(all))
	}
}

// TestFindAnyLanguage: the asker's language decides between texts that
// match equally, but every language's names count.
func TestFindAnyLanguage(t *testing.T) {
	f, _ := loadFinder(t)
	for _, lang := range []string{"ro", "en", "hu", "fr", ""} {
		if got := f.Find("building permit", lang, 1); len(got) != 1 || got[0].Service.Code != "autorizatie-construire" {
			t.Errorf("building permit (%s): %v", lang, codes(got))
		}
		if got := f.Find("buletin", lang, 1); len(got) != 1 || got[0].Service.Code != "carte-identitate-programare" {
			t.Errorf("buletin (%s): %v", lang, codes(got))
		}
	}
}

func TestFindConcurrent(t *testing.T) {
	f, _ := loadFinder(t)
	want := codes(f.Find("autorizatie de constructie", "ro", 5))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if got := codes(f.Find("autorizatie de constructie", "ro", 5)); strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("concurrent Find: %v; want %v", got, want)
					return
				}
				f.Find("groapa in asfalt pe strada", "ro", 5)
			}
		}()
	}
	wg.Wait()
}

// TestSynonymMeanings keeps the synonym table in step with the catalogue:
// every word a synonym stands for is a word of some service.
func TestSynonymMeanings(t *testing.T) {
	f, _ := loadFinder(t)
	st := newStemmer()
	var buf strings.Builder
	for _, g := range synonymGroups {
		for _, w := range splitWords(nil, g.means, &buf) {
			found := false
			for l := range nLangs {
				if _, ok := f.dict[l][st.stem(l, w.text)]; ok {
					found = true
				}
			}
			if !found {
				t.Errorf("synonym group %q: %q is no word of the catalogue", g.words[0], w.text)
			}
		}
	}
}

func TestSplitWords(t *testing.T) {
	var buf strings.Builder
	got := splitWords(nil, "Autorizație de CONSTRUIRE, Înălțime; şcoală ţară – Építési ENGEDÉLY: mi-a CU", &buf)
	var texts []string
	var stops []string
	for _, w := range got {
		texts = append(texts, w.text)
		if w.stop {
			stops = append(stops, w.text)
		}
	}
	if want := "autorizatie de construire inaltime scoala tara epitesi engedely mi cu"; strings.Join(texts, " ") != want {
		t.Errorf("words: %q; want %q", strings.Join(texts, " "), want)
	}
	// "CU" in capitals is the certificat de urbanism, not "with".
	if want := "de mi"; strings.Join(stops, " ") != want {
		t.Errorf("stop words: %q; want %q", strings.Join(stops, " "), want)
	}
}

// TestStemRO: the forms people type of one word meet in one stem.
func TestStemRO(t *testing.T) {
	families := [][]string{
		{"autorizatie", "autorizatia", "autorizatiei", "autorizatii", "autorizatiile", "autorizatiilor"},
		{"certificat", "certificatul", "certificatului", "certificate", "certificatele", "certificatelor"},
		{"casa", "casei", "case", "casele", "caselor"},
		{"parcare", "parcarea", "parcarii", "parcari", "parcarile"},
		{"vehicul", "vehiculul", "vehiculului", "vehicule", "vehiculele", "vehiculelor"},
		{"groapa", "gropi", "gropile"},
		{"copil", "copilul", "copilului", "copii", "copiii", "copiilor"},
		{"taxi", "taxiuri", "taxiul"},
		{"sociala", "social", "sociale"},
		{"impozit", "impozitul", "impozitului", "impozite", "impozitele"},
	}
	for _, fam := range families {
		want := stemRO(fam[0])
		for _, w := range fam[1:] {
			if got := stemRO(w); got != want {
				t.Errorf("stemRO(%q) = %q; want %q like %q", w, got, want, fam[0])
			}
		}
	}
	if stemRO("taxi") == stemRO("taxe") {
		t.Errorf("taxi and taxe share the stem %q", stemRO("taxi"))
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		max  int
		want int
	}{
		{"construct", "constrct", 2, 1},
		{"autorizat", "autoriaztt", 2, 2},
		{"autorizat", "autorizta", 2, 1}, // swapped neighbours
		{"abc", "abc", 1, 0},
		{"certificat", "urbanism", 2, 3},
	} {
		if got := editDistance(c.a, c.b, c.max); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d; want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

// BenchmarkFind measures one question against the whole catalogue, for the
// kinds of question people type.
func BenchmarkFind(b *testing.B) {
	f, _ := loadFinder(b)
	for _, c := range []struct{ name, query, lang string }{
		{"word", "buletin", "ro"},
		{"phrase", "certificatului de urbanism", "ro"},
		{"typo", "autorizatie de constrctie", "ro"},
		{"sentence", "vreau sa imi fac buletin nou ca mi-a expirat", "ro"},
		{"long", "Bună ziua, aș vrea să știu cum pot obține o autorizație de construire pentru o casă pe terenul bunicilor", "ro"},
		{"english", "how do I declare my new car for tax", "en"},
		{"hungarian", "személyi igazolvány időpont", "hu"},
		{"nonsense", "qwerty zxcv", "ro"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Find(c.query, c.lang, 10)
			}
		})
	}
}

// FuzzFind: any text gets an answer without a panic, best first, only
// services of the catalogue, within the limit.
func FuzzFind(f *testing.F) {
	finder, cat := loadFinder(f)
	for _, seed := range []string{"buletin", "autorizație de construire", "CU", "ş ţ ș ț", "a-b-c", "\xff\xfe", "építési engedély",
		strings.Repeat("taxe ", 300), "123 544", "ǅ ǈ ǋ"} {
		f.Add(seed, "ro", 3)
	}
	f.Fuzz(func(t *testing.T, query, lang string, limit int) {
		got := finder.Find(query, lang, limit)
		if limit > 0 && len(got) > limit {
			t.Fatalf("Find(%q, limit %d): %d matches", query, limit, len(got))
		}
		for i, m := range got {
			if s, ok := cat.Service(m.Service.Code); !ok || s != m.Service {
				t.Fatalf("Find(%q): %v is not a service of the catalogue", query, m.Service.Code)
			}
			if i > 0 && m.Score > got[i-1].Score {
				t.Fatalf("Find(%q): not best first: %v", query, got)
			}
		}
	})
}
