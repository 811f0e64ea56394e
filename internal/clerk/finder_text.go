package clerk

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/hungarian"
)

// This file turns text into the words the finder compares: folded (lower case,
// no diacritics), split, stop words marked, and stemmed per language.

// lang is a language of the portal's texts.
type lang uint8

const (
	langRO lang = iota
	langEN
	langHU
	nLangs
)

// langOf maps the portal's language codes; anything else is Romanian, the
// reference language.
func langOf(code string) lang {
	switch code {
	case "en":
		return langEN
	case "hu":
		return langHU
	}
	return langRO
}

// word is one word of a text or a question.
type word struct {
	// text is folded: lower case ASCII where the letter has a base letter.
	text string
	// stop marks a function word (de, la, the, az) that carries no meaning
	// on its own.
	stop bool
}

// foldRune maps a letter to its lower-case base letter (ș ş → s, ț ţ → t,
// ă â → a, î → i, Hungarian ő ű → o u, and the accents of other Latin
// scripts), a digit to itself, and anything else to 0: a word boundary.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return 0
	}
	r = unicode.ToLower(r)
	switch r {
	case 'ă', 'â', 'á', 'à', 'ä', 'ã', 'å', 'ā', 'ą':
		return 'a'
	case 'î', 'í', 'ì', 'ï', 'ī':
		return 'i'
	case 'ș', 'ş', 'š', 'ś':
		return 's'
	case 'ț', 'ţ', 'ť':
		return 't'
	case 'é', 'è', 'ê', 'ë', 'ě', 'ę', 'ē':
		return 'e'
	case 'ó', 'ò', 'ô', 'ö', 'õ', 'ő', 'ø':
		return 'o'
	case 'ú', 'ù', 'û', 'ü', 'ű', 'ů':
		return 'u'
	case 'ç', 'č', 'ć':
		return 'c'
	case 'ñ', 'ń', 'ň':
		return 'n'
	case 'ý', 'ÿ':
		return 'y'
	case 'ž', 'ź', 'ż':
		return 'z'
	case 'ř':
		return 'r'
	case 'ł':
		return 'l'
	case 'ď':
		return 'd'
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return r
	}
	return 0
}

// splitWords appends the words of s to dst, folded. One-letter words are
// dropped: in Romanian they are clitics (s-a, m-am, o) and elsewhere they
// carry nothing a service could be found by. A word of two or three letters
// typed in capitals is an abbreviation (CU, CI, AC) and never a stop word,
// even where the same letters in lower case are one (cu = "with").
func splitWords(dst []word, s string, buf *strings.Builder) []word {
	buf.Reset()
	upper := true
	n := 0
	flush := func() {
		if n > 1 {
			w := buf.String()
			dst = append(dst, word{text: w, stop: isStopWord(w) && !(upper && n <= 3)})
		}
		buf.Reset()
		upper, n = true, 0
	}
	for _, r := range s {
		f := foldRune(r)
		if f == 0 {
			flush()
			continue
		}
		if !unicode.IsUpper(r) {
			upper = false
		}
		buf.WriteRune(f)
		n++
	}
	flush()
	return dst
}

// stemmer stems words of the three languages. It is not safe for
// concurrent use; each query takes its own.
type stemmer struct {
	env *snowballstem.Env
}

func newStemmer() *stemmer { return &stemmer{env: snowballstem.NewEnv("")} }

// stem returns the stem of the folded word w in language l, never empty.
// Numbers are their own stems.
func (st *stemmer) stem(l lang, w string) string {
	var s string
	switch {
	case isNumber(w):
		return w
	case l == langEN:
		st.env.SetCurrent(w)
		english.Stem(st.env)
		s = st.env.Current()
	case l == langHU:
		// The Hungarian stemmer is run on folded text: people type
		// Hungarian without accents as often as with them, and both must
		// give the same stem.
		st.env.SetCurrent(w)
		hungarian.Stem(st.env)
		s = st.env.Current()
	default:
		s = stemRO(w)
	}
	if s == "" {
		return w
	}
	return s
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// roSuffixes are the Romanian inflectional endings stemRO removes, longest
// first, each with the shortest stem it may leave. They are the endings of
// the definite article, the plural and the genitive-dative (certificatului,
// autorizațiile, taxelor), of feminine adjectives (socială) and of the
// present tense of -ez and -esc verbs (programez, construiesc), written
// without diacritics because that is how most people type.
var roSuffixes = []struct {
	s   string
	min int
}{
	{"urilor", 3}, {"iilor", 3}, {"urile", 3},
	{"ilor", 3}, {"elor", 3}, {"ului", 3}, {"iile", 3}, {"eaza", 4},
	{"iei", 3}, {"ile", 3}, {"ele", 3}, {"uri", 3}, {"esc", 4},
	{"ul", 3}, {"ii", 3}, {"ei", 3}, {"ea", 3}, {"ia", 3}, {"ie", 3}, {"ez", 4},
	{"a", 3}, {"e", 3}, {"i", 3},
}

// roIrregular are words whose stem the suffix rules get wrong: a root that
// ends like an ending (vehicul, taxi, gunoi) or a plural that changes the
// root (copii, străzi).
var roIrregular = map[string]string{
	"vehicul": "vehicul", "taxi": "taxi", "gunoi": "gunoi", "gunoaie": "gunoi", "gunoaiele": "gunoi",
	"copii": "copil", "copiii": "copil", "copiilor": "copil", "copiii lor": "copil",
	"strazi": "strad", "strazile": "strad", "strazilor": "strad",
	"acte": "act", "actele": "act", "actelor": "act",
	"ani": "an", "anii": "an", "anul": "an",
	"oameni": "om", "oamenii": "om",
	"loc": "loc", "locuri": "loc", "locul": "loc", "locurile": "loc",
	"noi": "noi", "nou": "nou", "noua": "nou", "noul": "nou",
	// primărie (city hall) is not primar (mayor).
	"primarie": "primarie", "primaria": "primarie", "primariei": "primarie", "primariile": "primarie",
	"primariilor": "primarie",
}

// stemRO stems a folded Romanian word: it removes one inflectional ending
// and merges the oa/o alternation (groapă, gropi; ajutoare, ajutor), so that
// the forms of one word people type meet in one stem. Snowball's Romanian
// stemmer is not used because it expects diacritics and gives different
// stems to the same word typed without them (autorizatie, autorizatii).
func stemRO(w string) string {
	if s, ok := roIrregular[w]; ok {
		return s
	}
	if len(w) <= 3 {
		return w
	}
	for _, suf := range roSuffixes {
		if len(w)-len(suf.s) >= suf.min && strings.HasSuffix(w, suf.s) {
			// An i after a vowel belongs to the root (gunoi, trei, doi).
			if suf.s == "i" && isVowel(w[len(w)-2]) {
				continue
			}
			w = w[:len(w)-len(suf.s)]
			break
		}
	}
	if i := strings.Index(w, "oa"); i > 0 {
		w = w[:i+1] + w[i+2:]
	}
	return w
}

func isVowel(b byte) bool {
	switch b {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

func isStopWord(w string) bool {
	_, ok := stopWords[w]
	return ok
}

// stopWords are words that say nothing about which service is meant, in the
// three languages, folded: articles, prepositions, pronouns, auxiliaries,
// fillers (urgent, azi), and the words of asking (vreau, doresc, cum, am
// nevoie de, cerere, want, how, szeretnék) and of place (city hall,
// hivatal) that every question to the city hall has in common. "Primărie"
// is not one: "teren de la primărie" is a service of its own.
var stopWords = setOf(
	// Romanian
	"de", "la", "in", "pe", "cu", "din", "dintr", "dintre", "prin", "pentru", "pt", "spre", "catre", "despre",
	"sub", "peste", "fara", "dupa", "pana", "langa", "intre", "inainte", "un", "una", "unui", "unei", "unor",
	"niste", "si", "sau", "ori", "iar", "dar", "ca", "daca", "sa", "se", "ma", "te", "ne", "va", "le", "li",
	"mi", "ti", "imi", "iti", "isi", "ii", "il", "am", "ai", "are", "au", "avem", "aveti", "as", "ar", "fi",
	"fost", "este", "sunt", "e", "era", "eu", "tu", "el", "ea", "noi", "voi", "ei", "ele", "dumneavoastra",
	"dvs", "meu", "mea", "mei", "mele", "tau", "ta", "sau", "lui", "lor", "nostru", "noastra", "nostri",
	"noastre", "vostru", "acest", "aceasta", "acesta", "aceste", "acestei", "acestui", "asta", "asa", "acel",
	"acea", "cel", "cea", "cele", "al", "ale", "alt", "alta", "ce", "cine", "cum", "unde", "cand", "care",
	"cat", "cate", "cati", "vreau", "vrem", "vrea", "as", "dori", "doresc", "dorim", "doresc", "trebuie",
	"pot", "poti", "putem", "poate", "puteti", "fac", "face", "facem", "faci", "facut", "nevoie", "cerere",
	"cererea", "cererii", "cereri", "solicit", "solicitare", "depun", "depunere", "obtin", "obtinere", "primesc",
	"aflu", "stiu", "mai", "foarte", "doar", "si", "acum", "azi", "astazi", "nu", "da", "ok", "va", "rog",
	"buna", "ziua", "multumesc", "salut", "ceva", "cineva", "tot", "toate", "toti", "ro", "etc", "deja", "ajutati", "zi", "zile", "saptamana", "saptamani",
	"ieri", "maine", "mult", "multe", "putin", "timp", "niciun", "nicio", "nimic",
	"urgent", "repede", "rapid", "neaparat",
	// English
	"the", "a", "an", "i", "me", "my", "mine", "we", "our", "you", "your", "it", "its", "he", "she", "they",
	"to", "of", "for", "in", "on", "at", "by", "from", "with", "about", "into", "and", "or", "but", "if",
	"is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "can", "could", "would", "should",
	"will", "shall", "may", "must", "have", "has", "had", "want", "wants", "need", "needs", "like", "how",
	"what", "where", "when", "who", "which", "this", "that", "these", "those", "there", "here", "please",
	"get", "got", "apply", "request", "application", "some", "any", "city", "hall", "town", "municipality",
	"so", "just", "also", "not", "no", "yes", "help", "hello", "hi", "as", "up",
	// Hungarian
	"az", "egy", "es", "is", "hogy", "nem", "de", "meg", "mar", "van", "volt", "lesz", "kell", "kellene",
	"szeretnek", "szeretnem", "akarok", "kerek", "kerem", "kerni", "kerelem", "kerelmet", "hol", "hogyan",
	"mit", "mi", "ki", "mikor", "milyen", "melyik", "en", "te", "o", "mi", "ti", "ok", "nekem", "nekunk",
	"ez", "azt", "ezt", "itt", "ott", "vagy", "mint", "csak", "sem", "ha", "hivatal", "hivatalban",
	"polgarmesteri", "varoshaza", "onkormanyzat", "ugy", "ugyben",
)

func setOf(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}
