package budget_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// pngPhoto is a small real PNG.
func pngPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		img.Set(x, x%30, color.RGBA{0, 100, 0, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestProposalIsARegisteredDocument: a proposal gets a registry number in the same
// transaction, keeps its photos, is audited and confirmed by e-mail; bad input
// stores nothing and uses no number.
func TestProposalIsARegisteredDocument(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		ed := e.edition("cluj-2021", 2026, nil)
		u := e.citizen("1990-03-04")
		valid := budget.ProposalInput{Title: "Parcare pentru biciclete la școală", Description: "Rastele acoperite pentru 40 de biciclete lângă Școala Gimnazială.",
			Area: fmt.Sprint(ed.Areas[1].ID), Address: "Strada Horea 12, Cluj-Napoca", Location: "https://www.openstreetmap.org/?mlat=46.7712&mlon=23.5891#map=18/46.7712/23.5891",
			Cost: "45.000", Tie: "study", Declared: true, Photos: []budget.Upload{{Name: "loc.png", Data: pngPhoto(t)}}}

		bad := []struct {
			name, field, code string
			edit              func(in *budget.ProposalInput)
		}{
			{"short title", "title", "proposal_title", func(in *budget.ProposalInput) { in.Title = "Pod" }},
			{"no description", "description", "description", func(in *budget.ProposalInput) { in.Description = "" }},
			{"area of nothing", "area", "choose", func(in *budget.ProposalInput) { in.Area = "999999" }},
			{"no address", "address", "address", func(in *budget.ProposalInput) { in.Address = "" }},
			{"point outside Romania", "location", "location", func(in *budget.ProposalInput) { in.Location = "48.8566, 2.3522" }},
			{"above the cap", "cost", "over_cap", func(in *budget.ProposalInput) { in.Cost = "150001" }},
			{"cost in words", "cost", "amount", func(in *budget.ProposalInput) { in.Cost = "mult" }},
			{"no tie", "tie", "choose", func(in *budget.ProposalInput) { in.Tie = "" }},
			{"not declared", "declared", "declare", func(in *budget.ProposalInput) { in.Declared = false }},
			{"text called a photo", "photos", "photo_type", func(in *budget.ProposalInput) {
				in.Photos = []budget.Upload{{Name: "poza.jpg", Data: []byte(strings.Repeat("nu este o imagine ", 40))}}
			}},
			{"too many photos", "photos", "photos_many", func(in *budget.ProposalInput) {
				for range budget.MaxPhotos {
					in.Photos = append(in.Photos, in.Photos[0])
				}
			}},
		}
		for _, tc := range bad {
			in := valid
			in.Photos = append([]budget.Upload(nil), valid.Photos...)
			tc.edit(&in)
			_, err := e.s.Propose(e.ctx, u, ed.ID, in, e.base, "ro")
			t.Run(tc.name, func(t *testing.T) { invalidWith(t, err, tc.field, tc.code) })
		}
		if n := e.count(`SELECT COUNT(*) FROM budget_proposals`) + e.count(`SELECT COUNT(*) FROM registry_entries`); n != 0 {
			t.Fatalf("bad input stored %d rows", n)
		}

		p, err := e.s.Propose(e.ctx, u, ed.ID, valid, e.base, "ro")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(p.Number, "/140/20.05.2026") || p.Estimate != 45000 || p.Location != "46.771200,23.589100" || p.Status != budget.Submitted {
			t.Fatalf("proposal: %+v", p)
		}
		var subject, dept string
		if err := db.Read().QueryRowContext(e.ctx, `SELECT subject, department FROM registry_entries WHERE id = $1 AND number = $2`,
			p.EntryID, p.Number).Scan(&subject, &dept); err != nil || dept != budget.Department || !strings.Contains(subject, valid.Title) {
			t.Fatalf("registry entry: %q %q %v", subject, dept, err)
		}
		got, _, err := e.s.Proposal(e.ctx, p.ID)
		if err != nil || len(got.Photos) != 1 || got.Photos[0].ContentType != "image/png" {
			t.Fatalf("stored proposal: %+v %v", got, err)
		}
		if data, ct, err := e.s.PhotoData(e.ctx, p.ID, 1); err != nil || ct != "image/png" || !bytes.Equal(data, valid.Photos[0].Data) {
			t.Fatalf("photo: %s %v", ct, err)
		}
		var params string
		if err := db.Read().QueryRowContext(e.ctx, `SELECT params FROM outbox WHERE user_id = $1 AND kind = 'budget.proposal.filed'`, u.ID).Scan(&params); err != nil {
			t.Fatalf("no confirmation: %v", err)
		}
		checkMessage(t, "budget.proposal.filed", params, p.Number)
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'budget.proposal.submit' AND actor_id = $1`, u.ID); n != 1 {
			t.Fatalf("%d audit rows for the proposal", n)
		}
		e.consistent()
	})
}

// checkMessage renders an outbox message in every language and checks it names number.
func checkMessage(t *testing.T, kind, params, number string) {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal([]byte(params), &p); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ro", "en", "hu"} {
		subject, body, err := notify.Render(kind, p, lang)
		if err != nil || !strings.Contains(subject+body, number) {
			t.Fatalf("%s in %s: %q %q %v", kind, lang, subject, body, err)
		}
	}
}

// TestWhoMayPropose: a verified CNP and the minimum age on the day, a citizen.
func TestWhoMayPropose(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		ed := e.edition("cluj-2021", 2026, nil) // 18 and over
		in := budget.ProposalInput{Title: "Bănci noi", Description: "O descriere suficient de lungă a propunerii.",
			Area: fmt.Sprint(ed.Areas[0].ID), Address: "Strada Horea 12", Cost: "1000", Tie: "live", Declared: true}
		_, err := e.s.Propose(e.ctx, e.user(identity.Citizen, "", ""), ed.ID, in, e.base, "ro")
		refusedWith(t, err, "need_cnp")
		_, err = e.s.Propose(e.ctx, e.citizen("2008-05-21"), ed.ID, in, e.base, "ro") // 18 tomorrow
		refusedWith(t, err, "too_young")
		if _, err := e.s.Propose(e.ctx, e.citizen("2008-05-20"), ed.ID, in, e.base, "ro"); err != nil { // 18 today
			t.Fatalf("an 18-year-old: %v", err)
		}
		if _, err := e.s.Propose(e.ctx, e.comm, ed.ID, in, e.base, "ro"); !errors.Is(err, budget.ErrForbidden) {
			t.Fatalf("staff proposed: %v", err)
		}
		if n := e.count(`SELECT COUNT(*) FROM budget_proposals`); n != 1 {
			t.Fatalf("%d proposals, want 1", n)
		}
	})
}

// TestCommissionReviewAppealsAndMerges follows proposals through the commission:
// eligibility with a public reason, an appeal in its window decided by the
// commission, and a merge that tells both proposers; the wrong people are refused.
func TestCommissionReviewAppealsAndMerges(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		ed := e.edition("timisoara-2024", 2026, nil)
		ana, dan := e.citizen("1990-01-01"), e.citizen("1985-06-15")
		p1 := e.propose(ed, ana, 0, "Pistă de biciclete pe Calea Șagului", 300000)
		p2 := e.propose(ed, dan, 0, "Benzi pentru biciclete pe Calea Șagului", 250000)
		p3 := e.propose(ed, dan, 1, "Statuie a primarului", 90000)

		no := budget.Review{Eligible: false, Criteria: []string{"not_partisan", "general_interest"}, Reason: "Nu este de interes general."}
		for _, u := range []*identity.User{e.other, ana, nil} {
			if err := e.s.Review(e.ctx, u, p3.ID, no, e.base); !errors.Is(err, budget.ErrForbidden) {
				t.Fatalf("%v reviewed a proposal: %v", u, err)
			}
		}
		err := e.s.Review(e.ctx, e.comm, p3.ID, budget.Review{Eligible: false, Reason: "Nu."}, e.base)
		invalidWith(t, err, "criteria", "criteria_none")
		if err := e.s.Review(e.ctx, e.comm, p3.ID, no, e.base); err != nil {
			t.Fatal(err)
		}
		got, _, _ := e.s.Proposal(e.ctx, p3.ID)
		if got.Status != budget.Ineligible || strings.Join(got.CriteriaFailed, ",") != "not_partisan,general_interest" || got.ReviewReason != no.Reason {
			t.Fatalf("after review: %+v", got)
		}
		if err := e.s.Review(e.ctx, e.comm, p1.ID, budget.Review{Eligible: true, Reason: "Eligibil după analiză.", Cost: "320000"}, e.base); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := e.s.Proposal(e.ctx, p1.ID); got.Cost != 320000 || got.Estimate != 300000 {
			t.Fatalf("cost after analysis: %d (estimate %d)", got.Cost, got.Estimate)
		}

		// Appeals: only the proposer, only in the window, only once.
		_, err = e.s.FileAppeal(e.ctx, dan, p3.ID, "Statuia este de interes general pentru cartier.")
		refusedWith(t, err, "appeals_closed")
		e.at("2026-08-16")
		_, err = e.s.FileAppeal(e.ctx, ana, p3.ID, "Statuia este de interes general pentru cartier.")
		refusedWith(t, err, "not_proposer")
		_, err = e.s.FileAppeal(e.ctx, dan, p2.ID, "Nu a fost încă analizată.")
		refusedWith(t, err, "not_ineligible")
		_, err = e.s.FileAppeal(e.ctx, dan, p3.ID, "Scurt")
		invalidWith(t, err, "appeal", "appeal_text")
		a, err := e.s.FileAppeal(e.ctx, dan, p3.ID, "Statuia este de interes general pentru cartier.")
		if err != nil || !strings.HasSuffix(a.Number, "/140/16.08.2026") {
			t.Fatalf("appeal: %+v %v", a, err)
		}
		_, err = e.s.FileAppeal(e.ctx, dan, p3.ID, "A doua contestație pentru aceeași propunere.")
		refusedWith(t, err, "appeal_exists")
		if err := e.s.DecideAppeal(e.ctx, e.other, p3.ID, true, "Admisă.", e.base); !errors.Is(err, budget.ErrForbidden) {
			t.Fatalf("another department decided: %v", err)
		}
		if err := e.s.DecideAppeal(e.ctx, e.comm, p3.ID, true, "Contestația este admisă: proiectul servește cartierul.", e.base); err != nil {
			t.Fatal(err)
		}
		err = e.s.DecideAppeal(e.ctx, e.comm, p3.ID, false, "Respinsă.", e.base)
		refusedWith(t, err, "appeal_decided")
		if got, _, _ := e.s.Proposal(e.ctx, p3.ID); got.Status != budget.Eligible || got.Appeal == nil || got.Appeal.Decision != "upheld" {
			t.Fatalf("after the appeal: %+v", got)
		}

		// Merge p2 into p1: same zone; both proposers told.
		err = e.s.Merge(e.ctx, e.comm, p2.ID, p3.ID, "Propuneri asemănătoare.", e.base)
		invalidWith(t, err, "into", "merge_target") // another zone
		if err := e.s.Merge(e.ctx, e.comm, p2.ID, p1.ID, "Ambele cer o pistă de biciclete pe Calea Șagului.", e.base); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := e.s.Proposal(e.ctx, p2.ID); got.Status != budget.Merged || got.MergedInto != p1.ID {
			t.Fatalf("after merging: %+v", got)
		}
		for _, who := range []struct {
			u      *identity.User
			number string
		}{{ana, p1.Number}, {dan, p2.Number}} {
			var params string
			if err := db.Read().QueryRowContext(e.ctx, `SELECT params FROM outbox WHERE user_id = $1 AND kind = 'budget.proposal.merged'`,
				who.u.ID).Scan(&params); err != nil {
				t.Fatalf("proposer %d was not told of the merge: %v", who.u.ID, err)
			}
			checkMessage(t, "budget.proposal.merged", params, who.number)
		}
		for _, kind := range []string{"budget.proposal.ineligible", "budget.appeal.upheld"} {
			var params string
			if err := db.Read().QueryRowContext(e.ctx, `SELECT params FROM outbox WHERE user_id = $1 AND kind = $2`, dan.ID, kind).Scan(&params); err != nil {
				t.Fatalf("no %s message: %v", kind, err)
			}
			checkMessage(t, kind, params, "/140/")
		}

		// The commission's look at a proposer is audited.
		if _, _, who, err := e.s.ForCommission(e.ctx, e.comm, p1.ID); err != nil || who.Email != ana.Email {
			t.Fatalf("proposer: %+v %v", who, err)
		}
		if _, _, _, err := e.s.ForCommission(e.ctx, e.other, p1.ID); !errors.Is(err, budget.ErrForbidden) {
			t.Fatalf("another department saw the proposer: %v", err)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'budget.proposal.view' AND actor_id = $1`, e.comm.ID); n != 1 {
			t.Fatalf("%d audit rows for the commission's look", n)
		}

		// From the vote on, nothing changes.
		e.at("2026-08-23")
		refusedWith(t, e.s.Review(e.ctx, e.comm, p1.ID, no, e.base), "locked")
		refusedWith(t, e.s.Merge(e.ctx, e.comm, p3.ID, p1.ID, "Prea târziu pentru comasare.", e.base), "locked")
		e.consistent()
	})
}

func TestParseLocation(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"46.7712, 23.6236", "46.771200,23.623600"},
		{"45.7489 21.2087", "45.748900,21.208700"},
		{"https://www.openstreetmap.org/#map=17/45.75372/21.22571", "45.753720,21.225710"},
		{"https://www.openstreetmap.org/?mlat=46.77&mlon=23.59", "46.770000,23.590000"},
		{"46,7712 23,6236", ""}, {"23.6236, 46.7712", ""}, {"NaN, NaN", ""}, {"aici", ""},
	} {
		got, ok := budget.ParseLocation(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("ParseLocation(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}
