package budget

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// Status is where a proposal stands.
type Status string

// The statuses. Only eligible proposals go on the ballot; a merged one lives on
// in the proposal it was merged into.
const (
	Submitted  Status = "submitted"
	Eligible   Status = "eligible"
	Ineligible Status = "ineligible"
	Merged     Status = "merged"
)

// Criteria are the published eligibility criteria the commission checks, as
// Cluj-Napoca lists them (ro-domain.md §6.1); their texts are
// budget.criterion.<code>.
var Criteria = []string{
	"general_interest", // of general interest
	"competence",       // within the city hall's competence, on public space
	"other_funding",    // not funded by another programme
	"city_plans",       // not in conflict with the city's plans
	"not_partisan",     // not commercial, political or ethnic
	"running_costs",    // no significant running costs
	"located",          // clearly located
	"within_cap",       // within the cap per project
}

// ProposalPath is the public page of a proposal; messages link to it.
func ProposalPath(editionID, id int64) string {
	return fmt.Sprintf("/buget-participativ/%d/propuneri/%d", editionID, id)
}

// Proposal is a project a citizen proposed.
type Proposal struct {
	ID, EditionID, AreaID int64
	ProposerID            int64
	Number                string // registry number
	EntryID               int64
	Title, Description    string
	Address               string
	// Location is "lat,lon" in decimal degrees, or empty.
	Location string
	// Estimate is the proposer's; Cost is what goes on the ballot: the estimate
	// until the commission sets the cost its analysis found.
	Estimate, Cost int64
	Tie            string
	Status         Status
	CriteriaFailed []string
	ReviewReason   string
	ReviewedAt     time.Time
	MergedInto     int64
	CreatedAt      time.Time
	Photos         []Photo
	Appeal         *Appeal
}

// OnBallot reports whether people vote on the proposal.
func (p *Proposal) OnBallot() bool { return p.Status == Eligible }

// LatLon returns the location's coordinates, if any.
func (p *Proposal) LatLon() (lat, lon float64, ok bool) {
	a, b, found := strings.Cut(p.Location, ",")
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(a, 64)
	lon, err2 := strconv.ParseFloat(b, 64)
	return lat, lon, err1 == nil && err2 == nil
}

// Photo is one photo of a proposal.
type Photo struct {
	Position    int
	Name        string
	Hash        string
	Size        int64
	ContentType string
}

// Appeal is a proposer's appeal (contestație) against an ineligibility decision.
type Appeal struct {
	ProposalID     int64
	Number         string
	Text           string
	FiledAt        time.Time
	Decision       string // "", upheld or rejected
	DecisionReason string
	DecidedAt      time.Time
}

// Upload is a file sent with a form.
type Upload struct {
	Name string
	Data []byte
}

// ProposalInput is a proposal as typed in the form.
type ProposalInput struct {
	Title, Description, Area, Address, Location, Cost, Tie string
	// Declared: the proposer declares on their own responsibility the tie they chose.
	Declared bool
	Photos   []Upload
}

// Limits of the proposal form.
const (
	MaxPhotos       = 5
	MaxPhotoBytes   = 5 << 20
	maxProposalText = 5000
	maxProposalName = 150
	maxAddress      = 300
)

// PhotoTypes are the photo formats accepted, recognised by their content.
var PhotoTypes = []string{"image/jpeg", "image/png", "image/webp"}

// CanTakePart checks that u may propose or vote in e on day: a citizen whose
// identity (CNP) is verified and who is at least the edition's minimum age.
func CanTakePart(e *Edition, u *identity.User, day time.Time) error {
	if u == nil || u.Role != identity.Citizen {
		return ErrForbidden
	}
	if !u.CNPVerified || u.CNP == "" {
		return refused("need_cnp")
	}
	birth, err := ident.CNPBirthDate(u.CNP)
	if err != nil {
		return refused("need_cnp")
	}
	if AgeOn(birth, day) < e.MinAge {
		return refused("too_young", "Age", e.MinAge)
	}
	return nil
}

// Propose registers a citizen's proposal while proposals are open: it gets a
// registry number in the same transaction, its photos are kept, and the proposer
// is sent the number. base is the portal's address for the message's link, lang
// the proposer's language.
func (s *Service) Propose(ctx context.Context, u *identity.User, editionID int64, in ProposalInput, base, lang string) (*Proposal, error) {
	e, err := s.PublicEdition(ctx, editionID)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	if !e.Proposals.Contains(today) {
		return nil, refused("proposals_closed")
	}
	if err := CanTakePart(e, u, today); err != nil {
		return nil, err
	}
	p, photos, errs := parseProposal(e, in)
	if len(errs) > 0 {
		return nil, &InvalidInput{Errors: errs}
	}
	now := s.clock().UTC().Truncate(time.Microsecond)
	p.EditionID, p.ProposerID, p.Status, p.CreatedAt = e.ID, u.ID, Submitted, now
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		entry, err := s.registry.Register(ctx, tx, registry.NewEntry{Register: Register, Direction: registry.Incoming,
			Department: Department, Compartment: s.compartment, Subject: "Propunere de buget participativ: " + p.Title,
			Correspondent: u.Name, Channel: "online", CreatedBy: u.ID, CreatedByRole: string(u.Role), At: now})
		if err != nil {
			return err
		}
		p.Number, p.EntryID = entry.Number, entry.ID
		err = tx.QueryRowContext(ctx, `INSERT INTO budget_proposals (edition_id, area_id, proposer_id, number, entry_id, title, description,
			address, location, estimate, cost, tie, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			p.EditionID, p.AreaID, p.ProposerID, p.Number, p.EntryID, p.Title, p.Description, p.Address, p.Location,
			p.Estimate, p.Cost, p.Tie, string(p.Status), nowMicro(now)).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("insert proposal: %w", store.Map(err))
		}
		for i, ph := range photos {
			sum := sha256.Sum256(ph.Data)
			hash := hex.EncodeToString(sum[:])
			ct := catalog.SniffContentType(ph.Data)
			if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (hash, size, content_type, data, created_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (hash) DO NOTHING`, hash, len(ph.Data), ct, ph.Data, nowMicro(now)); err != nil {
				return fmt.Errorf("store photo: %w", store.Map(err))
			}
			photo := Photo{Position: i + 1, Name: ph.Name, Hash: hash, Size: int64(len(ph.Data)), ContentType: ct}
			if _, err := tx.ExecContext(ctx, `INSERT INTO budget_proposal_photos (proposal_id, position, name, blob_hash, size, content_type)
				VALUES ($1, $2, $3, $4, $5, $6)`, p.ID, photo.Position, photo.Name, hash, photo.Size, ct); err != nil {
				return store.Map(err)
			}
			p.Photos = append(p.Photos, photo)
		}
		if err := audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "budget.proposal.submit",
			Entity: "budget_proposal", EntityID: strconv.FormatInt(p.ID, 10), Detail: p.Number}); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, notify.Message{UserID: u.ID, Email: u.Email, Kind: "budget.proposal.filed",
			Params: map[string]any{"number": p.Number, "message": p.Title, "lang": lang, "link": base + ProposalPath(p.EditionID, p.ID)}})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// parseProposal checks a proposal form against its edition.
func parseProposal(e *Edition, in ProposalInput) (*Proposal, []Upload, []FieldError) {
	var errs []FieldError
	bad := func(field, code string, params ...any) {
		fe := FieldError{Field: field, Code: code}
		if len(params) > 1 {
			fe.Params = map[string]any{}
			for i := 0; i+1 < len(params); i += 2 {
				fe.Params[fmt.Sprint(params[i])] = params[i+1]
			}
		}
		errs = append(errs, fe)
	}
	p := &Proposal{Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n")),
		Address: strings.TrimSpace(in.Address)}
	if n := len([]rune(p.Title)); n < 5 || n > maxProposalName || hasControl(p.Title) {
		bad("title", "proposal_title", "Min", 5, "Max", maxProposalName)
	}
	if n := len([]rune(p.Description)); n < 20 || n > maxProposalText || hasControlExceptNewlines(p.Description) {
		bad("description", "description", "Min", 20, "Max", maxProposalText)
	}
	if id, err := strconv.ParseInt(in.Area, 10, 64); err != nil {
		bad("area", "choose")
	} else if a, ok := e.Area(id); !ok {
		bad("area", "choose")
	} else {
		p.AreaID = a.ID
	}
	if n := len([]rune(p.Address)); n < 3 || n > maxAddress || hasControl(p.Address) {
		bad("address", "address", "Max", maxAddress)
	}
	if strings.TrimSpace(in.Location) != "" {
		loc, ok := ParseLocation(in.Location)
		if !ok {
			bad("location", "location")
		}
		p.Location = loc
	}
	limit := e.TotalBudget
	if e.ProjectCap > 0 {
		limit = e.ProjectCap
	}
	if n, ok := parseWhole(strings.TrimSpace(in.Cost)); !ok || n < 1 {
		bad("cost", "amount", "Min", 1)
	} else if n > limit {
		bad("cost", "over_cap", "Max", limit, "Currency", string(e.Currency))
	} else {
		p.Estimate, p.Cost = n, n
	}
	if e.RequireTie {
		if !slices.Contains(Ties, in.Tie) {
			bad("tie", "choose")
		} else if !in.Declared {
			bad("declared", "declare")
		}
		p.Tie = in.Tie
	}
	var photos []Upload
	for _, ph := range in.Photos {
		if len(ph.Data) == 0 {
			continue
		}
		photos = append(photos, ph)
	}
	if len(photos) > MaxPhotos {
		bad("photos", "photos_many", "Max", MaxPhotos)
	}
	for _, ph := range photos {
		name := strings.TrimSpace(ph.Name)
		switch {
		case len(ph.Data) > MaxPhotoBytes:
			bad("photos", "photo_size", "Name", name, "MaxMB", MaxPhotoBytes>>20)
		case !slices.Contains(PhotoTypes, catalog.SniffContentType(ph.Data)):
			bad("photos", "photo_type", "Name", name)
		case len([]rune(name)) > 200 || hasControl(name):
			bad("photos", "photo_type", "Name", "")
		}
	}
	return p, photos, errs
}

// Romania's bounding box: a point outside it is a typing mistake.
const (
	minLat, maxLat = 43.6, 48.3
	minLon, maxLon = 20.2, 29.8
)

// ParseLocation reads a point as people copy it: "46.7712, 23.6236" (latitude
// first), or an OpenStreetMap link (…?mlat=46.77&mlon=23.62 or …#map=17/46.77/23.62).
// It returns "lat,lon" with six decimals (about 10 cm), and false for anything
// else or a point outside Romania.
func ParseLocation(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var a, b string
	if u, err := url.Parse(s); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		q := u.Query()
		a, b = q.Get("mlat"), q.Get("mlon")
		if a == "" {
			frag := strings.TrimPrefix(u.Fragment, "map=")
			if parts := strings.Split(frag, "/"); len(parts) == 3 {
				a, b = parts[1], parts[2]
			}
		}
	} else {
		fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' })
		if len(fields) == 2 {
			a, b = fields[0], fields[1]
		}
	}
	lat, err1 := strconv.ParseFloat(a, 64)
	lon, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) ||
		lat < minLat || lat > maxLat || lon < minLon || lon > maxLon {
		return "", false
	}
	return strconv.FormatFloat(lat, 'f', 6, 64) + "," + strconv.FormatFloat(lon, 'f', 6, 64), true
}

const proposalColumns = `id, edition_id, area_id, proposer_id, number, entry_id, title, description, address, location, estimate, cost,
	tie, status, criteria_failed, review_reason, reviewed_at, COALESCE(merged_into, 0), created_at`

// proposalColumnsP are proposalColumns of the table aliased p.
const proposalColumnsP = `p.id, p.edition_id, p.area_id, p.proposer_id, p.number, p.entry_id, p.title, p.description, p.address,
	p.location, p.estimate, p.cost, p.tie, p.status, p.criteria_failed, p.review_reason, p.reviewed_at, COALESCE(p.merged_into, 0), p.created_at`

func scanProposal(row interface{ Scan(...any) error }) (*Proposal, error) {
	var p Proposal
	var status, criteria string
	var reviewed, created int64
	err := row.Scan(&p.ID, &p.EditionID, &p.AreaID, &p.ProposerID, &p.Number, &p.EntryID, &p.Title, &p.Description, &p.Address,
		&p.Location, &p.Estimate, &p.Cost, &p.Tie, &status, &criteria, &p.ReviewReason, &reviewed, &p.MergedInto, &created)
	if err != nil {
		return nil, store.Map(err)
	}
	p.Status, p.CreatedAt = Status(status), time.UnixMicro(created).UTC()
	if criteria != "" {
		p.CriteriaFailed = strings.Split(criteria, ",")
	}
	if reviewed != 0 {
		p.ReviewedAt = time.UnixMicro(reviewed).UTC()
	}
	return &p, nil
}

func proposalByID(ctx context.Context, q store.Querier, id int64, suffix string) (*Proposal, error) {
	return scanProposal(q.QueryRowContext(ctx, `SELECT `+proposalColumns+` FROM budget_proposals WHERE id = $1`+suffix, id))
}

// Proposal returns a proposal of a published edition with its photos and appeal:
// what the public page shows (the proposer is not named there).
func (s *Service) Proposal(ctx context.Context, id int64) (*Proposal, *Edition, error) {
	q := s.db.Read()
	p, err := proposalByID(ctx, q, id, "")
	if err != nil {
		return nil, nil, err
	}
	e, err := s.PublicEdition(ctx, p.EditionID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.complete(ctx, q, p); err != nil {
		return nil, nil, err
	}
	return p, e, nil
}

// ProposalEdition returns the edition a proposal belongs to, published or not.
func (s *Service) ProposalEdition(ctx context.Context, id int64) (int64, error) {
	var e int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT edition_id FROM budget_proposals WHERE id = $1`, id).Scan(&e)
	return e, store.Map(err)
}

// complete adds a proposal's photos and appeal.
func (s *Service) complete(ctx context.Context, q store.Querier, p *Proposal) error {
	rows, err := q.QueryContext(ctx, `SELECT position, name, blob_hash, size, content_type FROM budget_proposal_photos
		WHERE proposal_id = $1 ORDER BY position`, p.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var ph Photo
		if err := rows.Scan(&ph.Position, &ph.Name, &ph.Hash, &ph.Size, &ph.ContentType); err != nil {
			rows.Close()
			return err
		}
		p.Photos = append(p.Photos, ph)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	a, err := appealOf(ctx, q, p.ID)
	if err == nil {
		p.Appeal = a
	} else if !isNotFound(err) {
		return err
	}
	return nil
}

func appealOf(ctx context.Context, q store.Querier, proposalID int64) (*Appeal, error) {
	var a Appeal
	var filed, decided int64
	err := q.QueryRowContext(ctx, `SELECT proposal_id, number, text, filed_at, decision, decision_reason, decided_at
		FROM budget_appeals WHERE proposal_id = $1`, proposalID).Scan(&a.ProposalID, &a.Number, &a.Text, &filed, &a.Decision, &a.DecisionReason, &decided)
	if err != nil {
		return nil, store.Map(err)
	}
	a.FiledAt = time.UnixMicro(filed).UTC()
	if decided != 0 {
		a.DecidedAt = time.UnixMicro(decided).UTC()
	}
	return &a, nil
}

// PhotoData returns a proposal photo's bytes and type. Photos of a published
// edition's proposals are public.
func (s *Service) PhotoData(ctx context.Context, proposalID int64, position int) ([]byte, string, error) {
	if _, _, err := s.Proposal(ctx, proposalID); err != nil {
		return nil, "", err
	}
	var data []byte
	var ct string
	err := s.db.Read().QueryRowContext(ctx, `SELECT b.data, p.content_type FROM budget_proposal_photos p JOIN blobs b ON b.hash = p.blob_hash
		WHERE p.proposal_id = $1 AND p.position = $2`, proposalID, position).Scan(&data, &ct)
	if err != nil {
		return nil, "", store.Map(err)
	}
	return data, ct, nil
}

// ProposalFilter selects proposals of an edition.
type ProposalFilter struct {
	Status     Status // empty: all
	ProposerID int64  // 0: anyone's
	Appealed   bool   // only those with an appeal
}

// Proposals lists an edition's proposals by area, then number order.
func (s *Service) Proposals(ctx context.Context, editionID int64, f ProposalFilter) ([]*Proposal, error) {
	where := []string{"p.edition_id = $1"}
	args := []any{editionID}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, fmt.Sprintf("p.status = $%d", len(args)))
	}
	if f.ProposerID != 0 {
		args = append(args, f.ProposerID)
		where = append(where, fmt.Sprintf("p.proposer_id = $%d", len(args)))
	}
	if f.Appealed {
		where = append(where, "EXISTS (SELECT 1 FROM budget_appeals a WHERE a.proposal_id = p.id)")
	}
	q := s.db.Read()
	rows, err := q.QueryContext(ctx, `SELECT `+proposalColumnsP+` FROM budget_proposals p JOIN budget_areas a ON a.id = p.area_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY a.position, p.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []*Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if f.Appealed {
		for _, p := range out {
			if p.Appeal, err = appealOf(ctx, q, p.ID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Proposer is who proposed a proposal, as the commission sees them.
type Proposer struct {
	ID          int64
	Name, Email string
}

// ForCommission returns a proposal with its proposer, for the commission's
// review. Reading the proposer's name and address is recorded in the audit log.
func (s *Service) ForCommission(ctx context.Context, u *identity.User, id int64) (*Proposal, *Edition, *Proposer, error) {
	if !IsCommission(u) {
		return nil, nil, nil, ErrForbidden
	}
	q := s.db.Read()
	p, err := proposalByID(ctx, q, id, "")
	if err != nil {
		return nil, nil, nil, err
	}
	e, err := s.Edition(ctx, p.EditionID)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := s.complete(ctx, q, p); err != nil {
		return nil, nil, nil, err
	}
	var who Proposer
	if err := q.QueryRowContext(ctx, `SELECT id, name, email FROM users WHERE id = $1`, p.ProposerID).Scan(&who.ID, &who.Name, &who.Email); err != nil {
		return nil, nil, nil, store.Map(err)
	}
	err = audit.Log(ctx, s.db, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "budget.proposal.view",
		Entity: "budget_proposal", EntityID: strconv.FormatInt(p.ID, 10), LegalBasis: "HCL buget participativ: analiza propunerilor",
		Detail: p.Number})
	if err != nil {
		return nil, nil, nil, err
	}
	return p, e, &who, nil
}

// Review is the commission's decision on a proposal.
type Review struct {
	Eligible bool
	// Criteria are the codes of the criteria the proposal fails (Criteria);
	// required when it is not eligible.
	Criteria []string
	// Reason is published with the proposal.
	Reason string
	// Cost is the cost the analysis found, as typed; empty keeps the current one.
	Cost string
}

// maxReason bounds a public reason or an appeal.
const maxReason = 5000

// Review records the commission's decision on a proposal, with its public reason,
// until the vote opens, and tells the proposer.
func (s *Service) Review(ctx context.Context, u *identity.User, id int64, r Review, base string) error {
	if !IsCommission(u) {
		return ErrForbidden
	}
	reason := strings.TrimSpace(strings.ReplaceAll(r.Reason, "\r\n", "\n"))
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		p, e, err := s.lockProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.Locked(s.Today()) {
			return refused("locked")
		}
		if p.Status == Merged {
			return refused("merged")
		}
		var errs []FieldError
		if n := len([]rune(reason)); n < 5 || n > maxReason || hasControlExceptNewlines(reason) {
			errs = append(errs, FieldError{Field: "reason", Code: "reason", Params: map[string]any{"Max": maxReason}})
		}
		var failed []string
		for _, c := range r.Criteria {
			if !slices.Contains(Criteria, c) {
				errs = append(errs, FieldError{Field: "criteria", Code: "choose"})
				break
			}
			if !slices.Contains(failed, c) {
				failed = append(failed, c)
			}
		}
		cost := p.Cost
		switch {
		case !r.Eligible && len(failed) == 0:
			errs = append(errs, FieldError{Field: "criteria", Code: "criteria_none"})
		case r.Eligible:
			failed = nil
			if strings.TrimSpace(r.Cost) != "" {
				n, ok := parseWhole(strings.TrimSpace(r.Cost))
				limit := e.TotalBudget
				if e.ProjectCap > 0 {
					limit = e.ProjectCap
				}
				switch {
				case !ok || n < 1:
					errs = append(errs, FieldError{Field: "cost", Code: "amount", Params: map[string]any{"Min": 1}})
				case n > limit:
					errs = append(errs, FieldError{Field: "cost", Code: "over_cap", Params: map[string]any{"Max": limit, "Currency": string(e.Currency)}})
				default:
					cost = n
				}
			}
		}
		if len(errs) > 0 {
			return &InvalidInput{Errors: errs}
		}
		status := Ineligible
		if r.Eligible {
			status = Eligible
		}
		now := s.clock().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE budget_proposals SET status = $1, criteria_failed = $2, review_reason = $3, cost = $4,
			reviewed_at = $5, reviewed_by = $6 WHERE id = $7`, string(status), strings.Join(failed, ","), reason, cost, nowMicro(now), u.ID, p.ID); err != nil {
			return store.Map(err)
		}
		if err := audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "budget.proposal.review",
			Entity: "budget_proposal", EntityID: strconv.FormatInt(p.ID, 10), Detail: string(status)}); err != nil {
			return err
		}
		return s.tell(ctx, tx, p, "budget.proposal."+string(status), map[string]any{"reason": reason}, base)
	})
}

// lockProposal reads a proposal and its edition inside tx, the proposal's row locked.
func (s *Service) lockProposal(ctx context.Context, tx *store.Tx, id int64) (*Proposal, *Edition, error) {
	p, err := proposalByID(ctx, tx, id, tx.Dialect().ForUpdate())
	if err != nil {
		return nil, nil, err
	}
	e, err := editionByID(ctx, tx, p.EditionID, "")
	if err != nil {
		return nil, nil, err
	}
	return p, e, nil
}

// tell queues a message about p for its proposer.
func (s *Service) tell(ctx context.Context, tx *store.Tx, p *Proposal, kind string, params map[string]any, base string) error {
	var email string
	if err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, p.ProposerID).Scan(&email); err != nil {
		return store.Map(err)
	}
	params["number"] = p.Number
	params["link"] = base + ProposalPath(p.EditionID, p.ID)
	return notify.Enqueue(ctx, tx, notify.Message{UserID: p.ProposerID, Email: email, Kind: kind, Params: params})
}

// FileAppeal registers the proposer's appeal against an ineligibility decision,
// while appeals are open; one appeal per proposal.
func (s *Service) FileAppeal(ctx context.Context, u *identity.User, proposalID int64, text string) (*Appeal, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	var a *Appeal
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		p, e, err := s.lockProposal(ctx, tx, proposalID)
		if err != nil {
			return err
		}
		if !e.Published {
			return store.ErrNotFound
		}
		if u == nil || p.ProposerID != u.ID {
			return refused("not_proposer")
		}
		if !e.Appeals.Contains(s.Today()) {
			return refused("appeals_closed")
		}
		if p.Status != Ineligible {
			return refused("not_ineligible")
		}
		if _, err := appealOf(ctx, tx, p.ID); err == nil {
			return refused("appeal_exists")
		} else if !isNotFound(err) {
			return err
		}
		if n := len([]rune(text)); n < 10 || n > maxReason || hasControlExceptNewlines(text) {
			return &InvalidInput{Errors: []FieldError{{Field: "appeal", Code: "appeal_text", Params: map[string]any{"Min": 10, "Max": maxReason}}}}
		}
		now := s.clock().UTC().Truncate(time.Microsecond)
		entry, err := s.registry.Register(ctx, tx, registry.NewEntry{Register: Register, Direction: registry.Incoming,
			Department: Department, Compartment: s.compartment, Subject: "Contestație buget participativ, propunerea " + p.Number,
			Correspondent: u.Name, Channel: "online", CreatedBy: u.ID, CreatedByRole: string(u.Role), At: now})
		if err != nil {
			return err
		}
		a = &Appeal{ProposalID: p.ID, Number: entry.Number, Text: text, FiledAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO budget_appeals (proposal_id, number, entry_id, text, filed_at) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, a.Number, entry.ID, text, nowMicro(now)); err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "budget.appeal.file",
			Entity: "budget_proposal", EntityID: strconv.FormatInt(p.ID, 10), Detail: a.Number})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DecideAppeal records the commission's decision on an appeal, until the vote
// opens. An upheld appeal puts the proposal on the ballot.
func (s *Service) DecideAppeal(ctx context.Context, u *identity.User, proposalID int64, upheld bool, reason, base string) error {
	if !IsCommission(u) {
		return ErrForbidden
	}
	reason = strings.TrimSpace(strings.ReplaceAll(reason, "\r\n", "\n"))
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		p, e, err := s.lockProposal(ctx, tx, proposalID)
		if err != nil {
			return err
		}
		if e.Locked(s.Today()) {
			return refused("locked")
		}
		a, err := appealOf(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if a.Decision != "" {
			return refused("appeal_decided")
		}
		if n := len([]rune(reason)); n < 5 || n > maxReason || hasControlExceptNewlines(reason) {
			return &InvalidInput{Errors: []FieldError{{Field: "appeal_reason", Code: "reason", Params: map[string]any{"Max": maxReason}}}}
		}
		decision := "rejected"
		if upheld {
			decision = "upheld"
		}
		now := nowMicro(s.clock())
		if _, err := tx.ExecContext(ctx, `UPDATE budget_appeals SET decision = $1, decision_reason = $2, decided_at = $3, decided_by = $4
			WHERE proposal_id = $5`, decision, reason, now, u.ID, p.ID); err != nil {
			return store.Map(err)
		}
		if upheld {
			if _, err := tx.ExecContext(ctx, `UPDATE budget_proposals SET status = 'eligible', criteria_failed = '' WHERE id = $1`, p.ID); err != nil {
				return store.Map(err)
			}
		}
		if err := audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "budget.appeal.decide",
			Entity: "budget_proposal", EntityID: strconv.FormatInt(p.ID, 10), Detail: decision}); err != nil {
			return err
		}
		p.Number = a.Number // the message is about the appeal
		return s.tell(ctx, tx, p, "budget.appeal."+decision, map[string]any{"reason": reason}, base)
	})
}

// Merge merges the proposal from into the proposal into, which carries both on
// the ballot; the commission does it for similar proposals of one area, until the
// vote opens, and both proposers are told.
func (s *Service) Merge(ctx context.Context, u *identity.User, from, into int64, reason, base string) error {
	if !IsCommission(u) {
		return ErrForbidden
	}
	reason = strings.TrimSpace(strings.ReplaceAll(reason, "\r\n", "\n"))
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		// Lock in id order, so two merges of the same pair cannot deadlock.
		first, second := min(from, into), max(from, into)
		a, e, err := s.lockProposal(ctx, tx, first)
		if err != nil {
			return err
		}
		b, err := proposalByID(ctx, tx, second, tx.Dialect().ForUpdate())
		if err != nil {
			if isNotFound(err) {
				return &InvalidInput{Errors: []FieldError{{Field: "into", Code: "merge_target"}}}
			}
			return err
		}
		src, dst := a, b
		if from != first {
			src, dst = b, a
		}
		if e.Locked(s.Today()) {
			return refused("locked")
		}
		var errs []FieldError
		switch {
		case from == into, src.EditionID != dst.EditionID, src.AreaID != dst.AreaID:
			errs = append(errs, FieldError{Field: "into", Code: "merge_target"})
		case src.Status == Merged || dst.Status == Merged || dst.Status == Ineligible:
			errs = append(errs, FieldError{Field: "into", Code: "merge_target"})
		}
		if n := len([]rune(reason)); n < 5 || n > maxReason || hasControlExceptNewlines(reason) {
			errs = append(errs, FieldError{Field: "merge_reason", Code: "reason", Params: map[string]any{"Max": maxReason}})
		}
		if len(errs) > 0 {
			return &InvalidInput{Errors: errs}
		}
		now := nowMicro(s.clock())
		if _, err := tx.ExecContext(ctx, `UPDATE budget_proposals SET status = 'merged', merged_into = $1, review_reason = $2,
			reviewed_at = $3, reviewed_by = $4 WHERE id = $5`, dst.ID, reason, now, u.ID, src.ID); err != nil {
			return store.Map(err)
		}
		if err := audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "budget.proposal.merge",
			Entity: "budget_proposal", EntityID: strconv.FormatInt(src.ID, 10), Detail: fmt.Sprintf("into %d", dst.ID)}); err != nil {
			return err
		}
		if err := s.tell(ctx, tx, src, "budget.proposal.merged",
			map[string]any{"reason": reason, "message": dst.Number + " – " + dst.Title}, base); err != nil {
			return err
		}
		return s.tell(ctx, tx, dst, "budget.proposal.merged",
			map[string]any{"reason": reason, "message": src.Number + " – " + src.Title}, base)
	})
}
