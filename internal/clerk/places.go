package clerk

// Certificates about places and land, answered from the city's own registers: the
// tax roll (adeverință de rol fiscal), the street nomenclature (adeverință de adresă),
// the intravilan limits (adeverință de încadrare) and the agricultural register.

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/sources"
)

// StreetFacts come from the street nomenclature, for the street and number of the
// request (or of the applicant's answer, once asked).
type StreetFacts struct {
	// Candidates are the official names of the streets the name designates.
	Candidates  []string `expr:"candidates" json:"candidates"`
	Found       bool     `expr:"found" json:"found"` // exactly one street
	NumberValid bool     `expr:"number_valid" json:"number_valid"`
	// Renamed: the request named the street by a former name.
	Renamed  bool   `expr:"renamed" json:"renamed"`
	Asked    string `expr:"asked" json:"asked"` // the name looked up
	Code     string `expr:"code" json:"code,omitempty"`
	Official string `expr:"official" json:"official,omitempty"` // "Bulevardul Eroilor"
	Number   string `expr:"number" json:"number,omitempty"`     // "12A", or "" if unreadable
	// FormerName is the former name the request used; FormerNames all of them, with
	// the day and the decision of the renaming.
	FormerName  string   `expr:"former_name" json:"former_name,omitempty"`
	FormerNames []string `expr:"former_names" json:"former_names,omitempty"`
	RenamedOn   string   `expr:"renamed_on" json:"renamed_on,omitempty"`
	Decision    string   `expr:"decision" json:"decision,omitempty"`
}

// ZoningFacts place the land's coordinates among the intravilan and extravilan zones.
type ZoningFacts struct {
	// HasPoint: the form, or the applicant's answer, gives coordinates in Romania
	// with at least three decimals (about a hundred metres).
	HasPoint   bool    `expr:"has_point" json:"has_point"`
	FromAnswer bool    `expr:"from_answer" json:"from_answer"`
	Lat        float64 `expr:"lat" json:"lat"`
	Lon        float64 `expr:"lon" json:"lon"`
	// PrecisionM is how far off the point may be, in metres, from the decimals given:
	// 46.771 may be anywhere from 46.7705 to 46.7715.
	PrecisionM float64 `expr:"precision_m" json:"precision_m"`
	// OnBorder: a zone's limit passes within PrecisionM (at least a metre) of the point.
	OnBorder bool     `expr:"on_border" json:"on_border"`
	Near     []string `expr:"near" json:"near,omitempty"` // those zones
	Zones    int      `expr:"zones" json:"zones"`         // zones that hold the point
	Found    bool     `expr:"found" json:"found"`         // exactly one, and no limit near
	Kind     string   `expr:"kind" json:"kind,omitempty"` // intravilan or extravilan
	Zone     string   `expr:"zone" json:"zone,omitempty"`
	ZoneID   string   `expr:"zone_id" json:"zone_id,omitempty"`
}

// AgriFacts are the agricultural register's positions for the CNP of the request.
type AgriFacts struct {
	Found bool `expr:"found" json:"found"`
	// NameMatches: every position is in the applicant's name.
	NameMatches bool        `expr:"name_matches" json:"name_matches"`
	Entries     []AgriEntry `expr:"entries" json:"entries,omitempty"`
	LandHa      float64     `expr:"land_ha" json:"land_ha"` // the total
}

// AgriEntry is one position of the agricultural register.
type AgriEntry struct {
	Position string  `expr:"position" json:"position"`
	Name     string  `expr:"name" json:"name"`
	Address  string  `expr:"address" json:"address"`
	LandHa   float64 `expr:"land_ha" json:"land_ha"`
	Animals  string  `expr:"animals" json:"animals,omitempty"`
}

// squareMetres turns hectares with four decimals back into exact square metres.
func squareMetres(ha float64) int64 { return int64(math.Round(ha * 10_000)) }

// lastAnswer is the text of the applicant's latest answer to a question of the
// case, or "".
func lastAnswer(ctx context.Context, w *Worker, c *cases.Case) (string, error) {
	events, err := cases.Timeline(ctx, w.db.Read(), c.ID)
	if err != nil {
		return "", err
	}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Kind == "info_answered" {
			return events[i].Reason, nil
		}
	}
	return "", nil
}

var numberInText = regexp.MustCompile(`(?i)\bnr\.?\s*(\d{1,5}\s*(?:bis|[a-z])?)\b`)

// streetInText finds the one street a sentence names ("Este Piața Avram Iancu, nr.
// 5"): each part between commas, with its first words dropped one by one, is looked
// up. It returns the part and the street when the parts designate exactly one
// street, and nothing when they designate none or several, or when the sentence
// denies something ("nu Piața, ci Strada..."): a person reads those.
func streetInText(ctx context.Context, w *Worker, text string) (string, []sources.StreetMatch, error) {
	for _, word := range strings.Fields(strings.ToLower(text)) {
		switch strings.Trim(word, ".,;:!?") {
		case "nu", "ci", "nici", "not", "no", "nem":
			return "", nil, nil
		}
	}
	var named string
	var found []sources.StreetMatch
	parts := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	for _, part := range parts[:min(len(parts), 8)] {
		words := strings.Fields(part)
		for i := 0; i < len(words) && i < 6; i++ {
			name := strings.Join(words[i:], " ")
			ms, err := sources.FindStreets(ctx, w.db.Read(), name)
			if err != nil {
				return "", nil, err
			}
			if len(ms) != 1 {
				continue
			}
			if len(found) > 0 && found[0].Street.Code != ms[0].Street.Code {
				return "", nil, nil // two streets
			}
			if len(found) == 0 {
				named, found = name, ms
			}
			break // the longest name of this part
		}
	}
	return named, found, nil
}

func gatherStreets(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	asked, number := c.Fields["street"], c.Fields["number"]
	matches, err := sources.FindStreets(ctx, w.db.Read(), asked)
	if err != nil {
		return err
	}
	// After a question, the answer names the street; it counts if it settles it.
	answer, err := lastAnswer(ctx, w, c)
	if err != nil {
		return err
	}
	if answer = strings.TrimSpace(answer); answer != "" {
		named, am, err := streetInText(ctx, w, answer)
		if err != nil {
			return err
		}
		if len(am) == 1 {
			matches, asked = am, named
			if m := numberInText.FindStringSubmatch(answer); m != nil {
				number = m[1]
			}
		}
	}
	s := StreetFacts{Asked: asked, Candidates: sources.SortedStreetNames(matches), Found: len(matches) == 1}
	if n, err := sources.NormalizeHouseNumber(number); err == nil {
		s.Number = n
	}
	if s.Found {
		m := matches[0]
		s.Code, s.Official, s.FormerName, s.Renamed = m.Street.Code, m.Street.Official(), m.FormerName, m.FormerName != ""
		s.FormerNames, s.RenamedOn, s.Decision = m.Street.FormerNames, m.Street.RenamedOn, m.Street.Decision
		s.NumberValid = s.Number != "" && m.Street.HasNumber(s.Number)
	}
	f.Streets = s
	return nil
}

// A point is a latitude and a longitude, with how many decimals each was given.
type point struct {
	lat, lon             float64
	latPlaces, lonPlaces int
}

// precision is how far off, in metres, the true point may be: half the last decimal.
func (p point) precision() float64 {
	const metresPerDegree = 111_320
	lat := 0.5 * math.Pow(10, -float64(p.latPlaces)) * metresPerDegree
	lon := 0.5 * math.Pow(10, -float64(p.lonPlaces)) * metresPerDegree * math.Cos(p.lat*math.Pi/180)
	return math.Hypot(lat, lon)
}

// coordinatePair finds a latitude and a longitude in Romania in a text, in either
// order, with a decimal point or comma: "46,7712, 23,6236" or "23.6236 46.7712".
// The two ranges do not overlap, so the order needs no guess.
var coordinateNumber = regexp.MustCompile(`\b\d{1,2}(?:[.,]\d+)?\b`)

func coordinatePair(text string) (point, bool) {
	nums := coordinateNumber.FindAllString(text, -1)
	for i := 0; i+1 < len(nums); i++ {
		a, ap, aok := coordinate(nums[i])
		b, bp, bok := coordinate(nums[i+1])
		switch {
		case !aok || !bok:
		case inLatitude(a) && inLongitude(b):
			return point{a, b, ap, bp}, true
		case inLongitude(a) && inLatitude(b):
			return point{b, a, bp, ap}, true
		}
	}
	return point{}, false
}

// coordinate reads a coordinate with at least three decimals (about a hundred
// metres: fewer says nothing about a plot of land), and returns their number.
func coordinate(s string) (float64, int, bool) {
	s = strings.Replace(strings.TrimSpace(s), ",", ".", 1)
	_, frac, _ := strings.Cut(s, ".")
	if len(frac) < 3 {
		return 0, 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, len(frac), err == nil
}

func inLatitude(v float64) bool  { return v >= 43.6 && v <= 48.3 }
func inLongitude(v float64) bool { return v >= 20.2 && v <= 29.8 }

func gatherZoning(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	var z ZoningFacts
	// The form's numbers lose their trailing zeros (46.7710 is 46.771), which only
	// makes the precision look worse than it was: the answer stays on the safe side.
	lat, latPlaces, latOK := coordinate(c.Fields["latitude"])
	lon, lonPlaces, lonOK := coordinate(c.Fields["longitude"])
	p, ok := point{lat, lon, latPlaces, lonPlaces}, latOK && lonOK && inLatitude(lat) && inLongitude(lon)
	if !ok {
		answer, err := lastAnswer(ctx, w, c)
		if err != nil {
			return err
		}
		p, ok = coordinatePair(answer)
		z.FromAnswer = ok
	}
	if ok {
		z.HasPoint, z.Lat, z.Lon, z.PrecisionM = true, p.lat, p.lon, math.Round(p.precision()*10)/10
		pl, err := sources.LandZonesAt(ctx, w.db.Read(), z.Lat, z.Lon, p.precision())
		if err != nil {
			return err
		}
		for _, b := range pl.Border {
			z.Near = append(z.Near, b.ID+" "+b.Name)
		}
		z.OnBorder, z.Zones = len(pl.Border) > 0, len(pl.Inside)
		if len(pl.Inside) == 1 && !z.OnBorder {
			in := pl.Inside[0]
			z.Found, z.Kind, z.Zone, z.ZoneID = true, in.Kind, in.Name, in.ID
		}
	}
	f.Zoning = z
	return nil
}

func gatherAgri(ctx context.Context, w *Worker, c *cases.Case, f *Facts) error {
	cnp := c.Fields["cnp"]
	if cnp == "" {
		return nil
	}
	entries, err := sources.AgriculturalEntriesFor(ctx, w.db.Read(), cnp)
	if err != nil {
		return err
	}
	a := AgriFacts{Found: len(entries) > 0, NameMatches: true}
	name := applicantName(c, f)
	var total int64
	for _, e := range entries {
		total += e.LandM2
		a.Entries = append(a.Entries, AgriEntry{Position: e.Position, Name: e.Name, Address: e.Address, LandHa: float64(e.LandM2) / 10_000, Animals: e.Animals})
		if !sameName(e.Name, name) {
			a.NameMatches = false
		}
	}
	a.LandHa = float64(total) / 10_000
	f.Agri = a
	return nil
}

// applicantName is the name in the form, or the account's.
func applicantName(c *cases.Case, f *Facts) string {
	if n := strings.TrimSpace(c.Fields["name"]); n != "" {
		return n
	}
	return f.Applicant.Name
}

// municipality is how a document names the city: "municipiului Cluj-Napoca", from
// the institution "Primăria Municipiului Cluj-Napoca".
func (w *Worker) municipality() string {
	if w.Issuer != nil {
		if rest, ok := strings.CutPrefix(w.Issuer.Institution, "Primăria "); ok && rest != "" {
			return strings.ToLower(rest[:1]) + rest[1:]
		}
	}
	return "municipiului"
}

// addressee returns how a document names the holder of a CNP ("domnul", "doamna")
// and the matching form of "înscris".
func addressee(cnp string) (title, registered string) {
	switch sex, _ := ident.CNPSex(cnp); sex {
	case ident.SexMale:
		return "domnul ", "înscris"
	case ident.SexFemale:
		return "doamna ", "înscrisă"
	}
	return "", "înscris(ă)" // a foreign resident's CNP does not say
}

// purposeSentence states what the applicant said the certificate is for: the label
// of a choice, or the text written; nothing for "altele".
func (w *Worker) purposeSentence(c *cases.Case) string {
	v := strings.TrimSpace(c.Fields["purpose"])
	if v == "" || v == "altele" {
		return ""
	}
	if svc, ok := w.catalog.Service(c.Service); ok {
		for _, fl := range svc.Fields {
			if fl.Key != "purpose" || fl.Type != catalog.FieldChoice {
				continue
			}
			for _, o := range fl.Options {
				if o.Value == v {
					v = o.Label.RO
				}
			}
		}
	}
	return "Scopul declarat de solicitant: " + strings.TrimSuffix(v, ".") + "."
}

// civilDate writes YYYY-MM-DD the Romanian way, 19.01.1990.
func civilDate(s string) string {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Format("02.01.2006")
	}
	return s
}

func appendNonEmpty(ps []string, more ...string) []string {
	for _, p := range more {
		if p != "" {
			ps = append(ps, p)
		}
	}
	return ps
}

// answerTaxRoll attests the registration in the tax roll and the roll's address.
func answerTaxRoll(_ context.Context, w *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	if !sameName(f.Tax.Name, applicantName(c, f)) {
		return Answer{}, &Doubt{Rule: "adeverinta-rol-fiscal/nume-diferit", Explain: catalog.Text{
			RO: "În evidența fiscală, CNP-ul dumneavoastră apare cu alt nume decât cel din cerere. Un funcționar lămurește diferența și vă răspunde.",
			EN: "In the tax roll your CNP appears with a name other than the one in the request. A civil servant clears up the difference and answers you.",
			HU: "Az adónyilvántartásban a személyi száma más névvel szerepel, mint a kérelemben. Egy ügyintéző tisztázza az eltérést, és válaszol."}}
	}
	cnp := c.Fields["cnp"]
	title, registered := addressee(cnp)
	found := fmt.Sprintf("Prin prezenta se adeverește că %s%s, CNP %s, figurează %s în evidența fiscală a %s (rolul fiscal), cu adresa: %s.",
		title, f.Tax.Name, cnp, registered, w.municipality(), f.Tax.Address)
	return Answer{
		Reason: r.Explain.RO + " Adresa din evidența fiscală: " + f.Tax.Address + ".",
		Paragraphs: appendNonEmpty([]string{found,
			"Adeverința atestă numai înscrierea în evidența fiscală și adresa din evidență; ea nu atestă situația obligațiilor de plată, care se dovedește cu certificatul de atestare fiscală."},
			w.purposeSentence(c)),
		Table: [][]string{{"Contribuabil", "CNP", "Adresa din evidența fiscală"}, {f.Tax.Name, cnp, f.Tax.Address}},
	}, nil
}

// answerAddress attests the official address and, when the request used a former
// name or asked for them, the street's former names and its renaming.
func answerAddress(_ context.Context, w *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	s := f.Streets
	address := s.Official + " nr. " + s.Number
	ps := []string{fmt.Sprintf("Ca urmare a cererii dumneavoastră, vă comunicăm că, potrivit nomenclaturii stradale a %s, aprobate prin hotărâri ale consiliului local, imobilul are adresa administrativă: %s.",
		w.municipality(), address)}
	renaming := ""
	if s.RenamedOn != "" {
		renaming = fmt.Sprintf("Strada a primit denumirea actuală, „%s”, la data de %s, prin %s.", s.Official, civilDate(s.RenamedOn), s.Decision)
	}
	reason := r.Explain.RO + " Adresa oficială: " + address + "."
	if s.Renamed {
		used := fmt.Sprintf("Denumirea „%s”, folosită în cerere, este o denumire anterioară a acestei străzi.", s.FormerName)
		ps = append(ps, used+" "+renaming)
		reason += " " + used + " " + renaming
	}
	if c.Fields["former_names"] == "true" {
		switch {
		case len(s.FormerNames) == 0:
			ps = append(ps, "Strada nu are denumiri anterioare înscrise în nomenclatura stradală.")
		case s.Renamed:
			ps = append(ps, "Denumirile anterioare ale străzii: „"+strings.Join(s.FormerNames, "”, „")+"”.")
		default:
			ps = append(ps, "Denumirile anterioare ale străzii: „"+strings.Join(s.FormerNames, "”, „")+"”. "+renaming)
		}
	}
	if n := strings.TrimSpace(c.Fields["cadastral_number"]); n != "" {
		ps = append(ps, fmt.Sprintf("Numărul cadastral indicat în cerere (%s) nu a fost verificat cu prilejul eliberării; adeverința atestă numai adresa administrativă, nu și dreptul de proprietate.", n))
	} else {
		ps = append(ps, "Adeverința atestă numai adresa administrativă, nu și dreptul de proprietate asupra imobilului.")
	}
	former := "—"
	if s.Renamed {
		former = s.FormerName
	}
	return Answer{
		Reason:     reason,
		Paragraphs: appendNonEmpty(ps, w.purposeSentence(c)),
		Table:      [][]string{{"Adresa administrativă", "Codul străzii", "Denumirea din cerere"}, {address, s.Code, former}},
	}, nil
}

// degrees writes a coordinate with a decimal comma and six decimals (a decimetre).
func degrees(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', 6, 64), ".", ",", 1)
}

// answerZoning states the zone the land's point lies in.
func answerZoning(_ context.Context, w *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	z := f.Zoning
	land := "terenul"
	if n := strings.TrimSpace(c.Fields["cadastral_number"]); n != "" {
		land = "terenul cu numărul cadastral " + n
	}
	where := z.Kind + "ul " + w.municipality() // intravilanul municipiului Cluj-Napoca
	ps := []string{
		fmt.Sprintf("Ca urmare a cererii dumneavoastră, vă comunicăm că punctul de coordonate %s° N, %s° E (WGS84), indicat de solicitant pentru %s, se află în %s, zona „%s” (cod %s), potrivit limitelor din Planul Urbanistic General în vigoare.",
			degrees(z.Lat), degrees(z.Lon), land, where, z.Zone, z.ZoneID),
		"Încadrarea privește punctul indicat. Adeverința nu ține loc de certificat de urbanism și nu stabilește regimul juridic, economic și tehnic al terenului.",
	}
	return Answer{
		Reason:     fmt.Sprintf("%s Încadrare: %s, zona „%s”.", r.Explain.RO, z.Kind, z.Zone),
		Paragraphs: appendNonEmpty(ps, w.purposeSentence(c)),
		Table:      [][]string{{"Latitudine", "Longitudine", "Încadrare", "Zona"}, {degrees(z.Lat), degrees(z.Lon), z.Kind, z.Zone}},
	}, nil
}

// hectares writes square metres as hectares with four decimals: 1,2500.
func hectares(m2 int64) string { return fmt.Sprintf("%d,%04d", m2/10_000, m2%10_000) }

// answerAgri states the applicant's positions in the agricultural register.
func answerAgri(_ context.Context, w *Worker, c *cases.Case, f *Facts, r *catalog.Rule) (Answer, error) {
	a := f.Agri
	cnp := c.Fields["cnp"]
	title, registered := addressee(cnp)
	year := calendar5(c.RegisteredOn.Year())
	var positions []string
	table := [][]string{{"Poziția", "Adresa", "Teren (ha)", "Animale"}}
	for _, e := range a.Entries {
		positions = append(positions, e.Position)
		animals := e.Animals
		if animals == "" {
			animals = "—"
		}
		table = append(table, []string{e.Position, e.Address, hectares(squareMetres(e.LandHa)), animals})
	}
	at := "poziția"
	if len(positions) > 1 {
		at = "pozițiile"
	}
	ps := []string{
		fmt.Sprintf("Se adeverește că %s%s, CNP %s, figurează %s în registrul agricol al %s pentru perioada %d–%d, la %s: %s.",
			title, a.Entries[0].Name, cnp, registered, w.municipality(), year, year+4, at, strings.Join(positions, "; ")),
		fmt.Sprintf("Suprafața totală de teren înscrisă este de %s ha; înscrierile pe fiecare poziție sunt arătate în tabelul de mai jos.", hectares(squareMetres(a.LandHa))),
		"Datele sunt cele înscrise în registrul agricol la data eliberării, pe baza declarațiilor titularului, potrivit OG nr. 28/2008 privind registrul agricol.",
	}
	return Answer{
		Reason:     fmt.Sprintf("%s Înscris la %s: %s; teren %s ha.", r.Explain.RO, at, strings.Join(positions, "; "), hectares(squareMetres(a.LandHa))),
		Paragraphs: appendNonEmpty(ps, w.purposeSentence(c)),
		Table:      table,
	}, nil
}

// calendar5 is the first year of the five-year period of the agricultural register
// that holds year (2020–2024, 2025–2029, ...).
func calendar5(year int) int { return 2020 + 5*((year-2020)/5) }
