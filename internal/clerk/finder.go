// Package clerk is the virtual civil servant: it helps people reach the right
// service and handles what can be handled without a person. The finder
// (finder*.go) answers the portal's first question, "Ce doriți să rezolvați?"
// ("What do you need to do?"): a citizen types plain words in Romanian,
// English or Hungarian, and it ranks the services of the catalogue.
package clerk

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/cetate/cetate/internal/catalog"
)

// Finder ranks services for a free-text question. It is built once from the
// catalogue, holds an inverted index of the services' words, and is safe for
// concurrent use.
//
// Each service is indexed by its name in the three languages, its keywords,
// its life events, the name of its department and, with a lower weight, its
// summary. Words are folded (case, diacritics) and stemmed; a question's
// words also match a longer word they begin (autoriz…), a shorter one they
// extend, and, when nothing else fits, a word one or two typing mistakes
// away. Everyday words the catalogue does not use (buletin, nuntă, gunoi)
// are translated by a synonym table (finder_lexicon.go). The score is BM25F
// with a bonus for the keywords and names a question covers.
type Finder struct {
	services []*catalog.Service
	terms    []term
	// dict finds a term by its stem, per language: the same letters mean
	// different words in different languages.
	dict [nLangs]map[string]int32
	// sorted lists each language's terms by text, for prefix matches.
	sorted [nLangs][]int32
	// byFirst lists each language's terms by first letter, for typo matches.
	byFirst [nLangs][256][]int32
	phrases []phrase
	// phrasesOf lists, per term, the phrases it is a word of.
	phrasesOf [][]int32
	synonyms  []synonym
	// synonymsAt finds the synonyms whose first word has a Romanian stem.
	synonymsAt map[string][]int32
	scratch    sync.Pool
}

// Match is one service found for a question, with its relevance: only the
// order of scores within one answer means something.
type Match struct {
	Service *catalog.Service
	Score   float64
}

// fieldKind is a part of a service's description.
type fieldKind uint8

const (
	fieldName fieldKind = iota
	fieldKeyword
	fieldLifeEvent
	fieldDepartment
	fieldSummary
	nFields
)

// Ranking parameters. A name says what a service is, keywords what people
// call it; a summary mentions many things the service is not about, so it
// only helps to choose between services that match elsewhere.
var (
	fieldWeight = [nFields]float64{fieldName: 3, fieldKeyword: 2, fieldLifeEvent: 0.6, fieldDepartment: 0.7, fieldSummary: 0.5}
	// fieldB is BM25's length normalisation per field.
	fieldB = [nFields]float64{fieldName: 0.4, fieldKeyword: 0.3, fieldLifeEvent: 0.3, fieldDepartment: 0.3, fieldSummary: 0.6}
)

const (
	// k1 is BM25's term-frequency saturation.
	k1 = 1.2
	// otherLanguage weighs matches in texts of a language other than the
	// question's: they count, but a tie goes to the asker's language.
	otherLanguage = 0.85
	// phraseBonus is added per word of a keyword or name the question
	// covers with two words or more; exactBonus when the question is
	// exactly a keyword or a name.
	phraseBonus = 1.0
	exactBonus  = 2.0
	// relativeCut drops services scoring under this share of the best one:
	// a stray word in a summary should not list a service.
	relativeCut = 0.3
	// minScore is the least score of the best service for an answer: one
	// word that only appears in a summary (poliție, școală) does not say
	// which service is meant. One word of a name, a keyword or a synonym
	// scores above it, even a word as common as "certificat".
	minScore = 2.5
	// minPrefix is the shortest stem that matches longer words it begins.
	minPrefix = 4
	// maxPrefixMatches bounds how many words one prefix may match.
	maxPrefixMatches = 24
	// maxQueryBytes and maxQueryWords bound the work of one question;
	// what a person types to find a service is far shorter.
	maxQueryBytes = 1000
	maxQueryWords = 40
)

// term is one stem of one language, with the services it describes.
type term struct {
	text     string
	lang     lang
	postings []posting
}

// posting says how strongly a term describes a service: the BM25F weighted,
// length-normalised frequency over the service's fields.
type posting struct {
	svc int32
	w   float32
}

// phrase is a name or keyword of a service, as terms.
type phrase struct {
	svc   int32
	terms []int32
}

// termMatch is a term a word of the question matches, and how well (1 for
// the same stem, less for a prefix or a typo).
type termMatch struct {
	id int32
	q  float32
}

// NewFinder indexes the services of cat, enabled or not: callers that list
// only services filed online filter the matches.
func NewFinder(cat *catalog.Catalog) *Finder {
	f := &Finder{services: cat.Services(), synonymsAt: map[string][]int32{}}
	for l := range f.dict {
		f.dict[l] = map[string]int32{}
	}
	b := &indexBuilder{f: f, st: newStemmer(), tf: map[tfKey]float64{}}
	for i, s := range f.services {
		b.addService(cat, int32(i), s)
	}
	b.finish()
	f.compileSynonyms()
	f.scratch.New = func() any { return f.newScratch() }
	return f
}

type tfKey struct {
	term int32
	svc  int32
	kind fieldKind
}

type lenKey struct {
	svc  int32
	kind fieldKind
	lang lang
}

// indexBuilder collects term frequencies and field lengths while the
// services are read, then turns them into postings.
type indexBuilder struct {
	f      *Finder
	st     *stemmer
	tf     map[tfKey]float64
	length map[lenKey]int
	buf    strings.Builder
	words  []word
}

func (b *indexBuilder) addService(cat *catalog.Catalog, svc int32, s *catalog.Service) {
	texts := func(t catalog.Text) [nLangs]string { return [nLangs]string{t.RO, t.EN, t.HU} }
	for l, name := range texts(s.Name) {
		b.f.phrases = append(b.f.phrases, phrase{svc, b.addText(svc, fieldName, lang(l), name, false)})
	}
	for _, k := range s.Keywords {
		b.f.phrases = append(b.f.phrases, phrase{svc, b.addText(svc, fieldKeyword, langRO, k, true)})
	}
	for l, summary := range texts(s.Summary) {
		b.addText(svc, fieldSummary, lang(l), summary, false)
	}
	if d, ok := cat.Department(s.Department); ok {
		for l, name := range texts(d.Name) {
			b.addText(svc, fieldDepartment, lang(l), name, false)
		}
	}
	for _, e := range s.LifeEvents {
		names, ok := lifeEventNames[e]
		if !ok {
			names = catalog.Text{RO: strings.ReplaceAll(e, "-", " ")}
		}
		for l, name := range texts(names) {
			b.addText(svc, fieldLifeEvent, lang(l), name, false)
		}
	}
}

// addText indexes text as a field of a service and returns its terms. A
// keyword of a single word is indexed even when it is a stop word elsewhere
// ("cu" is the certificat de urbanism).
func (b *indexBuilder) addText(svc int32, kind fieldKind, l lang, text string, keyword bool) []int32 {
	b.words = splitWords(b.words[:0], text, &b.buf)
	single := keyword && len(b.words) == 1
	var ids []int32
	for _, w := range b.words {
		if w.stop && !single {
			continue
		}
		id := b.f.intern(l, b.st.stem(l, w.text))
		ids = append(ids, id)
		b.tf[tfKey{id, svc, kind}]++
	}
	if b.length == nil {
		b.length = map[lenKey]int{}
	}
	b.length[lenKey{svc, kind, l}] += len(ids)
	return ids
}

func (f *Finder) intern(l lang, stem string) int32 {
	if id, ok := f.dict[l][stem]; ok {
		return id
	}
	id := int32(len(f.terms))
	f.terms = append(f.terms, term{text: stem, lang: l})
	f.dict[l][stem] = id
	return id
}

// finish computes the postings (BM25F: each field's frequency weighted and
// normalised by the field's length against its average) and the lookup
// lists.
func (b *indexBuilder) finish() {
	f := b.f
	var sum [nFields][nLangs]float64
	var count [nFields][nLangs]int
	for k, n := range b.length {
		if n > 0 {
			sum[k.kind][k.lang] += float64(n)
			count[k.kind][k.lang]++
		}
	}
	weights := map[[2]int32]float64{}
	for k, tf := range b.tf {
		l := f.terms[k.term].lang
		avg := sum[k.kind][l] / float64(count[k.kind][l])
		n := float64(b.length[lenKey{k.svc, k.kind, l}])
		norm := 1 - fieldB[k.kind] + fieldB[k.kind]*n/avg
		weights[[2]int32{k.term, k.svc}] += fieldWeight[k.kind] * tf / norm
	}
	for k, w := range weights {
		t := &f.terms[k[0]]
		t.postings = append(t.postings, posting{k[1], float32(w)})
	}
	for i := range f.terms {
		t := &f.terms[i]
		slices.SortFunc(t.postings, func(a, b posting) int { return int(a.svc - b.svc) })
		f.sorted[t.lang] = append(f.sorted[t.lang], int32(i))
		f.byFirst[t.lang][t.text[0]] = append(f.byFirst[t.lang][t.text[0]], int32(i))
	}
	for l := range f.sorted {
		slices.SortFunc(f.sorted[l], func(a, b int32) int { return strings.Compare(f.terms[a].text, f.terms[b].text) })
	}
	f.phrasesOf = make([][]int32, len(f.terms))
	for pi, p := range f.phrases {
		for _, id := range p.terms {
			if ps := f.phrasesOf[id]; len(ps) == 0 || ps[len(ps)-1] != int32(pi) {
				f.phrasesOf[id] = append(ps, int32(pi))
			}
		}
	}
}

// scratch is the working memory of one query, reused through a pool so
// that a query allocates little more than its answer.
type scratch struct {
	st         *stemmer
	buf        strings.Builder
	words      []word
	stems      []string
	understood []bool
	matches    []termMatch
	qwords     []qword
	usedSyn    []int32
	acc        []float64 // per service, for one word of the question
	score      []float64 // per service
	bonus      []float64 // per service
	mark       []float32 // per term: how well the question matched it
	touched    []int32   // terms with a mark, to clear them
	// seen stamps the phrases already scored for the current query with
	// its generation, so that it never needs clearing.
	seen       []uint32
	generation uint32
}

// qword is a word of the question, typed or brought in by a synonym, with
// the terms it matches (matches[from:to] of the scratch).
type qword struct {
	weight   float64
	from, to int
}

func (f *Finder) newScratch() *scratch {
	return &scratch{
		st:    newStemmer(),
		acc:   make([]float64, len(f.services)),
		score: make([]float64, len(f.services)),
		bonus: make([]float64, len(f.services)),
		mark:  make([]float32, len(f.terms)),
		seen:  make([]uint32, len(f.phrases)),
	}
}

// Find returns the services matching query, best first, at most limit of
// them (all when limit ≤ 0). lang ("ro", "en", "hu") is the asker's
// language: texts in it weigh a little more, but every language's names and
// keywords count. A question most of whose words match nothing gets no
// answer rather than a guess; so does an empty one.
func (f *Finder) Find(query, lang string, limit int) []Match {
	if len(query) > maxQueryBytes {
		query = query[:maxQueryBytes]
	}
	sc := f.scratch.Get().(*scratch)
	defer f.scratch.Put(sc)
	sc.words = splitWords(sc.words[:0], query, &sc.buf)
	if len(sc.words) > maxQueryWords {
		sc.words = sc.words[:maxQueryWords]
	}
	if len(sc.words) == 1 {
		// One word alone is what the person is looking for, even "cu".
		sc.words[0].stop = false
	}
	sc.stems, sc.understood = sc.stems[:0], sc.understood[:0]
	for _, w := range sc.words {
		sc.stems = append(sc.stems, stemRO(w.text))
		sc.understood = append(sc.understood, false)
	}
	sc.matches, sc.qwords, sc.usedSyn = sc.matches[:0], sc.qwords[:0], sc.usedSyn[:0]

	f.applySynonyms(sc)
	content, understood := 0, 0
	for i, w := range sc.words {
		if w.stop {
			// A stop word is not looked up, but one that is part of a
			// synonym's phrase ("unde e cererea mea") is understood.
			if sc.understood[i] {
				content++
				understood++
			}
			continue
		}
		content++
		from := len(sc.matches)
		f.resolve(sc, w.text)
		if len(sc.matches) > from {
			sc.understood[i] = true
			sc.qwords = append(sc.qwords, qword{1, from, len(sc.matches)})
		}
		if sc.understood[i] {
			understood++
		}
	}
	if content == 0 || 2*understood < content {
		return nil
	}
	return f.rank(sc, langOf(lang), content, limit)
}

// applySynonyms adds the catalogue's words for the everyday phrases found in
// the question, and marks the words they cover as understood.
func (f *Finder) applySynonyms(sc *scratch) {
	for i := range sc.words {
		for _, si := range f.synonymsAt[sc.stems[i]] {
			s := &f.synonyms[si]
			end, ok := s.matchAt(sc.words, sc.stems, i)
			if !ok {
				continue
			}
			for j := i; j < end; j++ {
				sc.understood[j] = true
			}
			if slices.Contains(sc.usedSyn, s.group) {
				continue
			}
			sc.usedSyn = append(sc.usedSyn, s.group)
			for _, ms := range s.means {
				from := len(sc.matches)
				sc.matches = append(sc.matches, ms...)
				sc.qwords = append(sc.qwords, qword{float64(s.weight), from, len(sc.matches)})
			}
		}
	}
}

// resolve appends to sc.matches the terms the folded word w matches: the
// same stem in any language; failing nothing else, words it begins or that
// begin it; failing all, words a typo or two away.
func (f *Finder) resolve(sc *scratch, w string) {
	start := len(sc.matches)
	var stems [nLangs]string
	for l := range nLangs {
		s := sc.st.stem(l, w)
		stems[l] = s
		if id, ok := f.dict[l][s]; ok {
			sc.matches = append(sc.matches, termMatch{id, 1})
		}
	}
	if isNumber(w) {
		return
	}
	exact := len(sc.matches) > start
	for l := range nLangs {
		f.prefixMatches(sc, l, stems[l], exact)
	}
	if len(sc.matches) > start || len(w) < 5 {
		return
	}
	maxDist := 1
	if len(w) >= 8 {
		maxDist = 2
	}
	for l := range nLangs {
		s := stems[l]
		for _, id := range f.byFirst[l][s[0]] {
			t := f.terms[id].text
			if abs(len(t)-len(s)) > maxDist || len(t) < 4 {
				continue
			}
			if d := editDistance(s, t, maxDist); d <= maxDist {
				sc.matches = append(sc.matches, termMatch{id, typoQuality[d]})
			}
		}
	}
}

// typoQuality discounts a match by its edit distance.
var typoQuality = [3]float32{1, 0.6, 0.4}

// prefixMatches appends the terms of language l that begin with stem s,
// that s begins with, or, for a longer s that matched nothing exactly, that
// share its first three quarters: stems are imperfect (construi, construire,
// construiesc) and Hungarian glues words together (parkolás, parkolóbérlet).
// These matches count less than the same stem, and less still when the word
// also matched exactly.
func (f *Finder) prefixMatches(sc *scratch, l lang, s string, exact bool) {
	if len(s) < minPrefix {
		return
	}
	base := float32(0.8)
	if exact {
		base = 0.4
	}
	shared := len(s)
	if len(s) >= 6 && !exact {
		shared = max(6, (3*len(s)+3)/4)
	}
	head := s[:shared]
	ids := f.sorted[l]
	i := sort.Search(len(ids), func(i int) bool { return f.terms[ids[i]].text >= head })
	backward := false
	for n := 0; i < len(ids) && n < maxPrefixMatches; i++ {
		t := f.terms[ids[i]].text
		if !strings.HasPrefix(t, head) {
			break
		}
		var q float32
		switch {
		case t == s:
			continue
		case strings.HasPrefix(t, s):
			q = base * (0.5 + 0.5*float32(len(s))/float32(len(t)))
		case strings.HasPrefix(s, t):
			q = 0.8 * base * (0.5 + 0.5*float32(len(t))/float32(len(s)))
			backward = true
		default:
			q = 0.5 * base * float32(commonPrefix(s, t)) / float32(len(s))
		}
		n++
		sc.matches = append(sc.matches, termMatch{ids[i], q})
	}
	// The longest term shorter than head that s begins with (expirat,
	// expir).
	for k := len(head) - 1; k > minPrefix && !backward; k-- {
		if id, ok := f.dict[l][s[:k]]; ok {
			sc.matches = append(sc.matches, termMatch{id, 0.8 * base * (0.5 + 0.5*float32(k)/float32(len(s)))})
			backward = true
		}
	}
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// rank scores the services for the words in sc: BM25F per word of the
// question (its idf counted over the services any of its terms match), plus
// the best phrase bonus of each service.
func (f *Finder) rank(sc *scratch, asker lang, content, limit int) []Match {
	n := float64(len(f.services))
	for _, qw := range sc.qwords {
		for _, m := range sc.matches[qw.from:qw.to] {
			t := &f.terms[m.id]
			q := float64(m.q)
			if t.lang != asker {
				q *= otherLanguage
			}
			for _, p := range t.postings {
				if v := q * float64(p.w); v > sc.acc[p.svc] {
					sc.acc[p.svc] = v
				}
			}
			mq := m.q * float32(min(qw.weight, 1))
			if sc.mark[m.id] == 0 {
				sc.touched = append(sc.touched, m.id)
			}
			sc.mark[m.id] = max(sc.mark[m.id], mq)
		}
		df := 0
		for _, a := range sc.acc {
			if a > 0 {
				df++
			}
		}
		idf := math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
		for s, a := range sc.acc {
			if a > 0 {
				sc.score[s] += qw.weight * idf * a * (k1 + 1) / (k1 + a)
				sc.acc[s] = 0
			}
		}
	}
	sc.generation++
	for _, t := range sc.touched {
		for _, pi := range f.phrasesOf[t] {
			if sc.seen[pi] == sc.generation {
				continue
			}
			sc.seen[pi] = sc.generation
			f.phraseBonus(sc, &f.phrases[pi], content)
		}
	}
	var out []Match
	best := 0.0
	for s, v := range sc.score {
		if v > 0 {
			v += sc.bonus[s]
			out = append(out, Match{f.services[s], v})
			best = max(best, v)
		}
		sc.score[s], sc.bonus[s] = 0, 0
	}
	for _, id := range sc.touched {
		sc.mark[id] = 0
	}
	sc.touched = sc.touched[:0]
	if best < minScore {
		return nil
	}
	out = slices.DeleteFunc(out, func(m Match) bool { return m.Score < relativeCut*best })
	slices.SortFunc(out, func(a, b Match) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Service.Code, b.Service.Code)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// phraseBonus raises the bonus of p's service to what p earns: a share of
// phraseBonus per word when the question covers two words of it or more,
// and exactBonus when the question is exactly p.
func (f *Finder) phraseBonus(sc *scratch, p *phrase, content int) {
	covered, sum, exact := 0, 0.0, true
	for _, id := range p.terms {
		if m := sc.mark[id]; m > 0 {
			covered++
			sum += float64(m)
			exact = exact && m == 1
		}
	}
	var b float64
	if covered >= 2 {
		b = phraseBonus * sum * float64(covered) / float64(len(p.terms))
	}
	if exact && covered == len(p.terms) && covered == content {
		b += exactBonus
	}
	sc.bonus[p.svc] = max(sc.bonus[p.svc], b)
}

// editDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of neighbours cost 1), or
// max+1 as soon as it must exceed max.
func editDistance(a, b string, max int) int {
	const size = 48
	if len(a) >= size || len(b) >= size {
		return max + 1
	}
	var rows [3][size]int
	for j := 0; j <= len(b); j++ {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur, prev, prev2 := &rows[i%3], &rows[(i-1)%3], &rows[(i+1)%3]
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
	}
	return rows[len(a)%3][len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
