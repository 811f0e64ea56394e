package budget

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// BallotInput is a ballot as sent from the vote form.
type BallotInput struct {
	// Approve lists the ids of the projects supported (approval ballots).
	Approve []string
	// Points gives points by project id (cumulative ballots); empty means none.
	Points map[string]string
	// Tie and Declared: the voter's declaration that they live, work or study in
	// the city, when the edition asks for it.
	Tie      string
	Declared bool
}

// Choice is one project on a ballot and the points it gets (1 on approval ballots).
type Choice struct {
	Project int64
	Points  int
}

// Receipt confirms a ballot. The code is shown once to the voter and never
// stored (only its hash); the ballot hash lets anyone holding the code check that
// this ballot is the one that will be counted.
type Receipt struct {
	Code       string
	BallotHash string
	// Replaced says the ballot replaced one the voter cast earlier.
	Replaced bool
}

// Vote casts or replaces u's ballot while the vote is open. One ballot per CNP
// and edition: another account with the same CNP is refused; the same account
// replaces its ballot, whose receipt then says it was replaced. The ballot is
// stored apart from the voter, under a random id (see 00011_budget.sql).
func (s *Service) Vote(ctx context.Context, u *identity.User, editionID int64, in BallotInput) (*Receipt, error) {
	e, err := s.PublicEdition(ctx, editionID)
	if err != nil {
		return nil, err
	}
	if !e.Vote.Contains(s.Today()) {
		return nil, refused("vote_closed")
	}
	// Age counts on the first day of the vote, the same day for every voter.
	if err := CanTakePart(e, u, e.Vote.From); err != nil {
		return nil, err
	}
	projects, err := s.Proposals(ctx, e.ID, ProposalFilter{Status: Eligible})
	if err != nil {
		return nil, err
	}
	choices, errs := parseBallot(e, projects, in)
	if len(errs) > 0 {
		return nil, &InvalidInput{Errors: errs}
	}
	content := ballotContent(choices)
	voter := s.voterHash(e.ID, u.CNP)
	tie := ""
	if e.RequireTie {
		tie = in.Tie
	}
	rc := &Receipt{}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		ballotID, err := randomHex(16)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO budget_ballots (id, edition_id, content) VALUES ($1, $2, $3)`, ballotID, e.ID, content); err != nil {
			return store.Map(err)
		}
		// A first vote marks the CNP; if it is marked already (earlier, or by a
		// transaction that committed meanwhile), this is a change of ballot, which
		// only the account that voted may make.
		res, err := tx.ExecContext(ctx, `INSERT INTO budget_voters (edition_id, cnp_hash, user_id, ballot_id, tie) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (edition_id, cnp_hash) DO NOTHING`, e.ID, voter, u.ID, ballotID, tie)
		if err != nil {
			return store.Map(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var owner int64
			var oldID, oldContent string
			if err := tx.QueryRowContext(ctx, `SELECT v.user_id, v.ballot_id, b.content FROM budget_voters v JOIN budget_ballots b ON b.id = v.ballot_id
				WHERE v.edition_id = $1 AND v.cnp_hash = $2`+tx.Dialect().ForUpdate(), e.ID, voter).Scan(&owner, &oldID, &oldContent); err != nil {
				return store.Map(err)
			}
			if owner != u.ID {
				return refused("other_account")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE budget_voters SET ballot_id = $1, tie = $2 WHERE edition_id = $3 AND cnp_hash = $4`,
				ballotID, tie, e.ID, voter); err != nil {
				return store.Map(err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM budget_ballots WHERE id = $1`, oldID); err != nil {
				return store.Map(err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE budget_receipts SET replaced = 1 WHERE ballot_hash = $1`,
				BallotHash(oldID, e.ID, oldContent)); err != nil {
				return store.Map(err)
			}
			rc.Replaced = true
		}
		rc.Code, err = receiptCode()
		if err != nil {
			return err
		}
		rc.BallotHash = BallotHash(ballotID, e.ID, content)
		if _, err := tx.ExecContext(ctx, `INSERT INTO budget_receipts (code_hash, edition_id, ballot_hash) VALUES ($1, $2, $3)`,
			hashCode(rc.Code), e.ID, rc.BallotHash); err != nil {
			return store.Map(err)
		}
		// The log says that u voted, never what: the ballot has no time to match.
		return audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "budget.ballot.cast",
			Entity: "budget_edition", EntityID: strconv.FormatInt(e.ID, 10)})
	})
	if err != nil {
		return nil, err
	}
	return rc, nil
}

// parseBallot checks a ballot against the projects on it and the edition's limits.
func parseBallot(e *Edition, projects []*Proposal, in BallotInput) ([]Choice, []FieldError) {
	var errs []FieldError
	byID := map[int64]*Proposal{}
	for _, p := range projects {
		byID[p.ID] = p
	}
	var choices []Choice
	seen := map[int64]bool{}
	add := func(idText string, points int) bool {
		id, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
		if err != nil || byID[id] == nil {
			errs = append(errs, FieldError{Field: "ballot", Code: "unknown_project"})
			return false
		}
		if !seen[id] {
			seen[id] = true
			choices = append(choices, Choice{Project: id, Points: points})
		}
		return true
	}
	switch e.VoteType {
	case Approval:
		for _, id := range in.Approve {
			if !add(id, 1) {
				break
			}
		}
	case Cumulative:
		total := 0
		for id, text := range in.Points {
			text = strings.TrimSpace(text)
			if text == "" || text == "0" {
				continue
			}
			n, err := strconv.Atoi(text)
			if err != nil || n < 0 || n > e.MaxPoints {
				errs = append(errs, FieldError{Field: "points-" + id, Code: "points", Params: map[string]any{"Max": e.MaxPoints}})
				continue
			}
			if add(id, n) {
				total += n
			}
		}
		if total > e.MaxPoints {
			errs = append(errs, FieldError{Field: "ballot", Code: "too_many_points", Params: map[string]any{"Max": e.MaxPoints}})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	slices.SortFunc(choices, func(a, b Choice) int { return cmp.Compare(a.Project, b.Project) })
	switch {
	case len(choices) == 0:
		errs = append(errs, FieldError{Field: "ballot", Code: "ballot_empty"})
	case len(choices) > e.MaxVotes:
		errs = append(errs, FieldError{Field: "ballot", Code: "too_many", Params: map[string]any{"Max": e.MaxVotes}})
	}
	if e.VotesPerArea > 0 {
		perArea := map[int64]int{}
		for _, c := range choices {
			perArea[byID[c.Project].AreaID]++
		}
		for _, a := range e.Areas {
			if perArea[a.ID] > e.VotesPerArea {
				errs = append(errs, FieldError{Field: fmt.Sprintf("area-%d", a.ID), Code: "too_many_in_area",
					Params: map[string]any{"Max": e.VotesPerArea, "Area": a.Name}})
			}
		}
	}
	if e.RequireTie {
		if !slices.Contains(Ties, in.Tie) {
			errs = append(errs, FieldError{Field: "tie", Code: "choose"})
		} else if !in.Declared {
			errs = append(errs, FieldError{Field: "declared", Code: "declare"})
		}
	}
	return choices, errs
}

// ballotContent writes choices in one canonical form: "project:points" sorted by
// project, comma-separated.
func ballotContent(choices []Choice) string {
	parts := make([]string, len(choices))
	for i, c := range choices {
		parts[i] = fmt.Sprintf("%d:%d", c.Project, c.Points)
	}
	return strings.Join(parts, ",")
}

// parseContent reads ballotContent's form back.
func parseContent(content string) ([]Choice, error) {
	var out []Choice
	for _, part := range strings.Split(content, ",") {
		id, pts, ok := strings.Cut(part, ":")
		p, err1 := strconv.ParseInt(id, 10, 64)
		n, err2 := strconv.Atoi(pts)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("budget: malformed ballot %q", content)
		}
		out = append(out, Choice{Project: p, Points: n})
	}
	return out, nil
}

// BallotHash is what a receipt confirms: the SHA-256 of the ballot's random id,
// its edition and its content. The random id keeps the hash from revealing the
// vote (a ballot's content alone could be guessed among the few possible).
func BallotHash(ballotID string, editionID int64, content string) string {
	sum := sha256.Sum256([]byte("cetate-ballot\x1f" + ballotID + "\x1f" + strconv.FormatInt(editionID, 10) + "\x1f" + content))
	return hex.EncodeToString(sum[:])
}

// voterHash is the keyed hash that marks that a CNP voted in an edition: the CNP
// is not stored, and without the key the hash cannot be recomputed from a list of
// CNPs. Per edition, so that two editions' voters cannot be matched.
func (s *Service) voterHash(editionID int64, cnp string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("cetate-budget-voter\x1f" + strconv.FormatInt(editionID, 10) + "\x1f" + cnp))
	return hex.EncodeToString(m.Sum(nil))
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// receiptCode is 80 random bits as 16 letters and digits in four groups.
func receiptCode() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	c := base32.StdEncoding.EncodeToString(b)
	return c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16], nil
}

// NormalizeCode reads a receipt code as people type it: any case, with or
// without dashes and spaces.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s))
	if len(s) != 16 {
		return s
	}
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte("cetate-receipt\x1f" + NormalizeCode(code)))
	return hex.EncodeToString(sum[:])
}

// MyVote is a voter's ballot as they see it on the vote page.
type MyVote struct {
	Choices []Choice
	Tie     string
}

// Has reports whether the ballot supports project p, and with how many points.
func (v *MyVote) Has(p int64) (int, bool) {
	if v == nil {
		return 0, false
	}
	for _, c := range v.Choices {
		if c.Project == p {
			return c.Points, true
		}
	}
	return 0, false
}

// MyBallot returns the ballot u's account cast in an edition, or store.ErrNotFound.
func (s *Service) MyBallot(ctx context.Context, u *identity.User, editionID int64) (*MyVote, error) {
	if u == nil {
		return nil, store.ErrNotFound
	}
	var content, tie string
	err := s.db.Read().QueryRowContext(ctx, `SELECT b.content, v.tie FROM budget_voters v JOIN budget_ballots b ON b.id = v.ballot_id
		WHERE v.user_id = $1 AND v.edition_id = $2`, u.ID, editionID).Scan(&content, &tie)
	if err != nil {
		return nil, store.Map(err)
	}
	choices, err := parseContent(content)
	if err != nil {
		return nil, err
	}
	return &MyVote{Choices: choices, Tie: tie}, nil
}

// ReceiptStatus is what checking a receipt tells.
type ReceiptStatus struct {
	EditionID  int64
	Title      string
	BallotHash string
	// Current: this ballot is the one that counts; false when the voter replaced
	// it with a later one.
	Current bool
	// Counted: the vote has closed, so the ballot is in the results.
	Counted bool
}

// CheckReceipt finds a receipt by its code, or store.ErrNotFound.
func (s *Service) CheckReceipt(ctx context.Context, code string) (*ReceiptStatus, error) {
	var st ReceiptStatus
	var replaced int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT r.edition_id, e.title, r.ballot_hash, r.replaced FROM budget_receipts r
		JOIN budget_editions e ON e.id = r.edition_id WHERE r.code_hash = $1`, hashCode(code)).Scan(&st.EditionID, &st.Title, &st.BallotHash, &replaced)
	if err != nil {
		return nil, store.Map(err)
	}
	st.Current = replaced == 0
	e, err := s.Edition(ctx, st.EditionID)
	if err != nil {
		return nil, err
	}
	st.Counted = s.Today().After(e.Vote.To)
	return &st, nil
}
