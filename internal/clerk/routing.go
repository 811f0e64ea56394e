package clerk

// Routing: the virtual civil servant reads the free text of each request to see
// whether it was filed under the wrong service (it then proposes a move, which a
// person confirms), and whether a petition belongs to another institution (the
// rules then forward it, OG 27/2002 art. 6¹, with the citizen informed).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// OutcomeReroute is the step of a proposal to move a request to another service.
// No rule leads to it: the worker proposes it before the rules, and only a person
// moves the case.
const OutcomeReroute = "reroute"

// How sure the finder must be before the virtual civil servant says a request's
// text is about another service, or that a petition is also the city hall's.
// Scores are the finder's (finder.go); one clear name or keyword of a service in a
// sentence scores about 19 ("solicit certificat fiscal"), a full name about 40,
// and one stray word of a summary under 10.
const (
	// rerouteMinScore is the least score of the proposed service.
	rerouteMinScore = 15
	// rerouteMargin and rerouteGap: the proposed service scores at least this
	// many times the next one, and this much more, so a text about two things (or
	// whose words many services share) is left to a person.
	rerouteMargin = 1.75
	rerouteGap    = 10
	// rerouteTop: the filed service among a sentence's first matches means the
	// text is (also) about it, and nothing is proposed.
	rerouteTop = 3
	// oursMinScore is the score from which a petition is taken to be about one of
	// the city hall's own services, and so not forwarded.
	oursMinScore = 12
	// maxSentences bounds the work on a long text.
	maxSentences = 60
)

// genericServices are the catch-all services a text matches by its words of
// asking (reclamație, sesizare): such a match says nothing about whose matter the
// text is.
var genericServices = map[string]bool{"petitie": true}

// whyFields are answers saying why the applicant needs what they ask for
// ("pentru dosarul de ajutor de încălzire"): they name other procedures by nature
// and are not read for routing.
var whyFields = map[string]bool{"purpose": true, "reason": true, "reasons": true}

// freeText returns the free-text answers of a request that say what it is about:
// its textareas and long text fields, in form order.
func freeText(svc *catalog.Service, fields map[string]string) []string {
	var out []string
	for _, f := range svc.Fields {
		long := f.Type == catalog.FieldTextarea || (f.Type == catalog.FieldText && f.MaxLength > catalog.DefaultTextMaxLength)
		if v := strings.TrimSpace(fields[f.Key]); long && v != "" && !whyFields[f.Key] {
			out = append(out, v)
		}
	}
	return out
}

// sentences splits text where a sentence or a line ends: the finder ranks a
// short question best, and one sentence of a letter is one.
func sentences(text string) []string {
	parts := strings.FieldsFunc(text, func(r rune) bool {
		return r == '.' || r == '!' || r == '?' || r == ';' || r == '\n' || r == '\r'
	})
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) > maxSentences {
		out = out[:maxSentences]
	}
	return out
}

// textTopics is what the finder says a text is about.
type textTopics struct {
	// best is each service's best score over the sentences.
	best map[string]float64
	// near are the services among the first matches of some sentence.
	near map[string]bool
}

// topics asks the finder about each sentence of texts.
func (f *Finder) topics(texts []string) textTopics {
	t := textTopics{best: map[string]float64{}, near: map[string]bool{}}
	for _, text := range texts {
		for _, s := range sentences(text) {
			for i, m := range f.Find(s, "ro", 8) {
				if !m.Service.Enabled {
					continue
				}
				if m.Score > t.best[m.Service.Code] {
					t.best[m.Service.Code] = m.Score
				}
				if i < rerouteTop {
					t.near[m.Service.Code] = true
				}
			}
		}
	}
	return t
}

// ranked returns the services by best score, highest first.
func (t textTopics) ranked() []Match {
	var out []Match
	for code, s := range t.best {
		out = append(out, Match{Service: &catalog.Service{Code: code}, Score: s})
	}
	slices.SortFunc(out, func(a, b Match) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Service.Code, b.Service.Code)
	})
	return out
}

// Proposal is the virtual civil servant's proposal to move a request to another
// service: the step's inputs.
type Proposal struct {
	From     string        `json:"from"`
	Service  string        `json:"proposed"`
	Score    float64       `json:"score"`
	Next     float64       `json:"next_score"`
	Matches  []ScoredMatch `json:"matches"`
	Sentence int           `json:"sentences"`
}

// ScoredMatch is one service the text matched, for the record.
type ScoredMatch struct {
	Service string  `json:"service"`
	Score   float64 `json:"score"`
}

// proposeReroute returns the service the request's text clearly asks for when
// it is not the one it was filed under, or nil: the filed service must not be
// among any sentence's first matches, and the other must be strong and well
// ahead of the rest. On doubt nothing is proposed.
func (w *Worker) proposeReroute(c *cases.Case, svc *catalog.Service) *Proposal {
	f := w.finderNow()
	texts := freeText(svc, c.Fields)
	if f == nil || len(texts) == 0 {
		return nil
	}
	t := f.topics(texts)
	ranked := t.ranked()
	if len(ranked) == 0 || t.near[svc.Code] {
		return nil
	}
	top := ranked[0]
	next := 0.0
	if len(ranked) > 1 {
		next = ranked[1].Score
	}
	if top.Service.Code == svc.Code || top.Score < rerouteMinScore || top.Score < rerouteMargin*next || top.Score-next < rerouteGap {
		return nil
	}
	to, ok := w.catalog.Service(top.Service.Code)
	if !ok || !to.Enabled {
		return nil
	}
	p := &Proposal{From: svc.Code, Service: to.Code, Score: round2(top.Score), Next: round2(next)}
	for _, m := range ranked[:min(len(ranked), 5)] {
		p.Matches = append(p.Matches, ScoredMatch{m.Service.Code, round2(m.Score)})
	}
	for _, text := range texts {
		p.Sentence += len(sentences(text))
	}
	return p
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }

// rerouteRule is the step recorded with a proposal, its explanation naming both
// services in each language.
func rerouteRule(from, to *catalog.Service) *catalog.Rule {
	return &catalog.Rule{ID: "general/redirectionare", Version: 1, Then: OutcomeReroute, Explain: catalog.Text{
		RO: fmt.Sprintf("Din textul cererii reiese că solicitați „%s”, nu „%s”. Propunem ca cererea să fie mutată la acest serviciu, care o poate soluționa; un funcționar verifică și confirmă. Numărul de înregistrare și data de la care curge termenul rămân aceleași.",
			to.Name.RO, from.Name.RO),
		EN: fmt.Sprintf("The text of the request shows that you are asking for “%s”, not “%s”. We propose moving the request to that service, which can handle it; a civil servant checks and confirms. The registration number and the date the deadline counts from stay the same.",
			to.Name.In("en"), from.Name.In("en")),
		HU: fmt.Sprintf("A kérelem szövegéből az derül ki, hogy Ön a(z) „%s” ügyet kéri, nem a(z) „%s” ügyet. Javasoljuk, hogy a kérelmet helyezzük át ahhoz a szolgáltatáshoz, amely intézni tudja; egy ügyintéző ellenőrzi és megerősíti. Az iktatószám és a határidő kezdőnapja változatlan marad.",
			to.Name.In("hu"), from.Name.In("hu")),
	}}
}

// finderNow is the service finder over the catalogue in force, or nil.
func (w *Worker) finderNow() *Finder {
	if w.Finder == nil {
		return nil
	}
	return w.Finder()
}

// PendingReroute returns the open proposal among a case's steps (the last one
// no person has reviewed yet) and the service it proposes, if any.
func PendingReroute(steps []Step) (step *Step, service string) {
	for i := len(steps) - 1; i >= 0; i-- {
		s := &steps[i]
		if s.Outcome != OutcomeReroute || !s.ReviewedAt.IsZero() {
			continue
		}
		var p Proposal
		if err := json.Unmarshal(s.Inputs, &p); err != nil || p.Service == "" {
			continue
		}
		return s, p.Service
	}
	return nil, ""
}

// ErrNoProposal means the step is not an open proposal to move the case.
var ErrNoProposal = errors.New("no open proposal to move this request")

// ConfirmReroute moves the case to the service the virtual civil servant proposed
// in step stepID, as the person u (who must be of the case's department).
func (w *Worker) ConfirmReroute(ctx context.Context, u *identity.User, caseID, stepID int64) (*cases.Case, error) {
	c, err := w.cases.Get(ctx, u, caseID) // scoped: the wrong staff get ErrNotFound
	if err != nil {
		return nil, err
	}
	steps, err := Steps(ctx, w.db.Read(), c.ID)
	if err != nil {
		return nil, err
	}
	step, service := PendingReroute(steps)
	if step == nil || step.ID != stepID {
		return nil, ErrNoProposal
	}
	name := service
	if s, ok := w.catalog.Service(service); ok {
		name = s.Name.RO
	}
	return w.Reroute(ctx, u, caseID, service, "Propunerea funcționarului virtual, confirmată: textul cererii privește serviciul „"+name+"”.")
}

// Reroute moves the case to service (cases.Reroute) and closes any open proposal
// of the virtual civil servant with the person's reason: confirmed when it is the
// proposed service, set aside when the person chose another.
func (w *Worker) Reroute(ctx context.Context, u *identity.User, caseID int64, service, reason string) (*cases.Case, error) {
	steps, err := Steps(ctx, w.db.Read(), caseID)
	if err != nil {
		return nil, err
	}
	c, err := w.cases.Reroute(ctx, u, caseID, service, reason)
	if err != nil {
		return nil, err
	}
	if step, _ := PendingReroute(steps); step != nil {
		err = w.db.Tx(ctx, func(tx *store.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE clerk_steps SET reviewed_by = $1, reviewed_at = $2, review_note = $3 WHERE id = $4 AND reviewed_at = 0`,
				u.ID, time.Now().UnixMicro(), strings.TrimSpace(reason), step.ID)
			if err != nil {
				return store.Map(err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return nil // someone reviewed it meanwhile
			}
			return audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "clerk.review.confirm", Entity: "clerk_step",
				EntityID: strconv.FormatInt(step.ID, 10), CaseID: caseID, Detail: reason})
		})
	}
	return c, err
}

// ForwardFacts say whether a petition's text is about another institution's
// matter (catalog/institutions.yaml), and whether it is also about one of the
// city hall's services: then a person decides, rather than the petition leaving.
type ForwardFacts struct {
	Found       bool     `expr:"found" json:"found"`
	Institution string   `expr:"institution" json:"institution,omitempty"`
	Name        string   `expr:"name" json:"name,omitempty"`
	Matched     []string `expr:"matched" json:"matched,omitempty"`
	// Ours: the text also matches one of the city hall's own services.
	Ours        bool   `expr:"ours" json:"ours"`
	OursService string `expr:"ours_service" json:"ours_service,omitempty"`
}

// gatherInstitutions classifies the petition's free text: which institution's
// keywords it names (words folded and stemmed like the finder's), and whether the
// finder sees one of the city hall's own services in it.
func gatherInstitutions(_ context.Context, w *Worker, c *cases.Case, f *Facts) error {
	svc, ok := w.catalog.Service(c.Service)
	if !ok {
		return nil
	}
	texts := freeText(svc, c.Fields)
	if len(texts) == 0 {
		return nil
	}
	m := matchInstitutions(w.catalog.Institutions(), strings.Join(texts, "\n"))
	f.Forward = ForwardFacts{Found: m.found, Matched: m.matched}
	if m.found {
		f.Forward.Institution, f.Forward.Name = m.inst.Code, m.inst.Name.RO
	}
	finder := w.finderNow()
	if finder == nil {
		f.Forward.Ours = true // without the finder nobody can tell: a person decides
		return nil
	}
	best := 0.0
	for code, score := range finder.topics(texts).best {
		if code == svc.Code || genericServices[code] {
			continue
		}
		if score >= oursMinScore && score > best {
			best, f.Forward.Ours, f.Forward.OursService = score, true, code
		}
	}
	return nil
}

// institutionMatch is what a text says about the institutions.
type institutionMatch struct {
	found   bool
	inst    *catalog.Institution
	matched []string
}

// matchInstitutions scores each institution by the words of the text its
// keywords cover (a phrase counts when all its words are there) and returns the
// best one, found when it covers more words than any other: a tie is a doubt.
func matchInstitutions(insts []*catalog.Institution, text string) institutionMatch {
	words := textStems(text)
	bestScore, secondScore := 0, 0
	var out institutionMatch
	for _, inst := range insts {
		covered := map[int]bool{}
		seen := map[string]bool{} // the words each matched keyword covers: forms of one word count once
		var matched []string
		for _, k := range inst.Keywords {
			kw := textStems(k)
			if len(kw) == 0 {
				continue
			}
			var at []int
			all := true
			for _, s := range kw {
				found := false
				for j, w := range words {
					if sameStem(w, s) {
						at, found = append(at, j), true
					}
				}
				if !found {
					all = false
					break
				}
			}
			if !all {
				continue
			}
			slices.Sort(at)
			if key := fmt.Sprint(slices.Compact(at)); !seen[key] {
				seen[key] = true
				matched = append(matched, k)
			}
			for _, i := range at {
				covered[i] = true
			}
		}
		score := len(covered)
		switch {
		case score > bestScore:
			secondScore, bestScore = bestScore, score
			out = institutionMatch{inst: inst, matched: matched}
		case score > secondScore:
			secondScore = score
		}
	}
	out.found = bestScore > 0 && bestScore > secondScore
	if !out.found {
		out.inst, out.matched = nil, nil
	}
	return out
}

// textStems returns the stems of the words of text that carry meaning, folded
// and stemmed as the finder does it (finder_text.go).
func textStems(text string) []string {
	var buf strings.Builder
	var out []string
	for _, w := range splitWords(nil, text, &buf) {
		if !w.stop {
			out = append(out, stemRO(w.text))
		}
	}
	return out
}

// sameStem: two stems are the same word when equal, or when one begins the other
// and the shorter has five letters or more (salar, salariu).
func sameStem(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 5 && strings.HasPrefix(b, a)
}

// forwardWithoutInstitution is recorded when a rule said forward but the facts name no
// institution: the case goes to a person instead.
var forwardWithoutInstitution = &catalog.Rule{ID: "general/fara-institutie", Version: 1, Then: catalog.RuleEscalate,
	Explain: catalog.Text{RO: "Nu am putut stabili cu siguranță instituția căreia îi revine petiția; un funcționar o analizează.",
		EN: "We could not tell for certain which institution the petition belongs to; a civil servant looks at it.",
		HU: "Nem tudtuk biztosan megállapítani, melyik intézményhez tartozik a petíció; egy ügyintéző megvizsgálja."}}

// forward records the step and forwards the petition to the institution the facts
// found, as the virtual civil servant.
func (w *Worker) forward(ctx context.Context, c *cases.Case, r *catalog.Rule, facts Facts) error {
	inst, ok := w.catalog.Institution(facts.Forward.Institution)
	if !facts.Forward.Found || facts.Forward.Ours || !ok {
		return w.record(ctx, c.ID, forwardWithoutInstitution, facts, catalog.RuleEscalate)
	}
	if err := w.record(ctx, c.ID, r, facts, r.Then); err != nil {
		return err
	}
	reason := "Petiția privește " + inst.Handles.RO + ", de competența instituției " + inst.Name.RO + "."
	forwarded, err := w.cases.Forward(ctx, identity.VirtualClerk, c.ID, inst.Code, reason)
	if err != nil {
		return err
	}
	return w.sendForwardLetter(ctx, forwarded)
}

// Forward sends an open petition to institution (cases.Forward) and makes, signs,
// stores and e-mails the forwarding letter. A person forwards by hand with it. When
// the letter fails after the case was forwarded, the worker finishes it later.
func (w *Worker) Forward(ctx context.Context, u *identity.User, caseID int64, institution, reason string) (*cases.Case, error) {
	c, err := w.cases.Forward(ctx, u, caseID, institution, reason)
	if err != nil {
		return nil, err
	}
	if err := w.sendForwardLetter(ctx, c); err != nil {
		w.log.Warn("virtual clerk: forwarding letter failed; queued again", "case", c.ID, "err", err)
		if qerr := w.db.Tx(ctx, func(tx *store.Tx) error { return w.enqueue(ctx, tx, c) }); qerr != nil {
			return c, errors.Join(err, qerr)
		}
	}
	return c, nil
}

// sendForwardLetter makes the letter that sends a forwarded petition to its
// institution, signs it, stores it as a document of the case and queues the
// e-mail that carries it. It is idempotent: a letter made before is not made again.
func (w *Worker) sendForwardLetter(ctx context.Context, c *cases.Case) error {
	if w.Issuer == nil {
		return nil
	}
	fw, err := cases.ForwardingOf(ctx, w.db.Read(), c.ID)
	if err != nil {
		return err
	}
	docs, err := documents.ForCase(ctx, w.db.Read(), c.ID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.EntryID == fw.EntryID {
			return nil
		}
	}
	inst, ok := w.catalog.Institution(fw.Institution)
	if !ok {
		return fmt.Errorf("case %d: unknown institution %q", c.ID, fw.Institution)
	}
	entries, err := registry.ForCase(ctx, w.db.Read(), c.ID)
	if err != nil {
		return err
	}
	var letter registry.Entry
	for _, e := range entries {
		if e.ID == fw.EntryID {
			letter = e
		}
	}
	if letter.ID == 0 {
		return fmt.Errorf("case %d: no registry entry %d", c.ID, fw.EntryID)
	}
	dept := c.Department
	if d, ok := w.catalog.Department(c.Department); ok {
		dept = d.Name.RO
	}
	signer, role := "Funcționarul virtual al primăriei", "Emis automat"
	if fw.ActorID != 0 {
		if u, err := identity.UserByID(ctx, w.db.Read(), fw.ActorID); err == nil {
			signer, role = u.Name, dept
		}
	}
	base := strings.TrimRight(w.Issuer.BaseURL, "/")
	if base == "" {
		base = "http://127.0.0.1:8080"
	}
	code := documents.NewCode()
	title := "Transmitere petiție spre competentă soluționare"
	pdf, err := documents.Render(documents.Letter{Institution: w.Issuer.Institution, Department: dept, Title: title,
		Number: letter.Number, InReplyTo: c.Number, Date: letter.RegisteredAt, Recipient: inst.Name.RO + "\n" + inst.Address,
		Paragraphs: forwardLetterText(w.Issuer.Institution, c, w.petitionText(c), inst), Signer: signer, SignerRole: role,
		VerifyURL: base + "/verify/" + code})
	if err != nil {
		return err
	}
	signed, err := w.Issuer.Signer.Sign(pdf, "Transmitere petiție nr. "+c.Number, w.Issuer.Institution, time.Now())
	if err != nil {
		return err
	}
	d := &documents.Issued{CaseID: c.ID, EntryID: letter.ID, Number: letter.Number, Code: code, Kind: title + " – " + inst.Name.RO,
		Holder: c.ApplicantName, Department: c.Department}
	return w.db.Tx(ctx, func(tx *store.Tx) error {
		if err := documents.Save(ctx, tx, d, signed); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, notify.Message{Email: inst.Email, CaseID: c.ID, Kind: "case.forward_letter",
			Params: map[string]any{"lang": "ro", "number": c.Number, "reply_number": letter.Number, "document_link": base + "/verify/" + code,
				"attachment_sha256": d.SHA256, "attachment_name": "transmitere-petitie-" + strconv.FormatInt(c.ID, 10) + ".pdf"}})
	})
}

// petitionText is what the petitioner wrote: the free text, and the place when
// the form asks for one.
func (w *Worker) petitionText(c *cases.Case) []string {
	svc, ok := w.catalog.Service(c.Service)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range svc.Fields {
		v := strings.TrimSpace(c.Fields[f.Key])
		if v == "" {
			continue
		}
		switch {
		case f.Type == catalog.FieldAddress:
			out = append(out, f.Label.RO+": "+v)
		case f.Type == catalog.FieldTextarea || (f.Type == catalog.FieldText && f.MaxLength > catalog.DefaultTextMaxLength):
			out = append(out, v)
		}
	}
	return out
}

// forwardLetterText is the body of the forwarding letter, in Romanian.
func forwardLetterText(ourName string, c *cases.Case, petition []string, inst *catalog.Institution) []string {
	contact := c.ApplicantName
	if e := c.Fields["email"]; e != "" {
		contact += ", e-mail " + e
	}
	if p := c.Fields["phone"]; p != "" {
		contact += ", telefon " + p
	}
	out := []string{
		fmt.Sprintf("Vă transmitem, conform art. 6¹ din Ordonanța Guvernului nr. 27/2002 privind reglementarea activității de soluționare a petițiilor, petiția nr. %s înregistrată la %s în data de %s, spre competentă soluționare, întrucât aspectele sesizate privesc %s, de competența instituției dumneavoastră.",
			c.Number, ourName, c.RegisteredOn.Format("02.01.2006"), inst.Handles.RO),
		"Petiționarul, " + contact + ", a fost înștiințat despre transmiterea petiției. Vă rugăm să îi comunicați răspunsul direct, în termenul prevăzut de art. 8 din Ordonanța Guvernului nr. 27/2002.",
		"Textul petiției:",
	}
	out = append(out, petition...)
	return out
}
