package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/budget/rules"
	"github.com/cetate/cetate/internal/identity"
)

// adminBudgetRoutes are the back office's participatory budgeting pages. Editions
// are set up by administrators; proposals, appeals and merges are the commission's
// (administrators and the staff of budget.Department), checked in each handler.
func (wb *Web) adminBudgetRoutes() []route {
	return []route{
		{"GET /admin/buget", staff, wb.adminBudget},
		{"GET /admin/buget/editie-noua", admin, wb.adminBudgetNew},
		{"POST /admin/buget/editie-noua", admin, wb.adminBudgetCreate},
		{"GET /admin/buget/{id}", admin, wb.adminBudgetEdition},
		{"POST /admin/buget/{id}", admin, wb.adminBudgetSave},
		{"GET /admin/buget/{id}/propuneri", staff, wb.adminBudgetProposals},
		{"GET /admin/buget/{id}/contestatii", staff, wb.adminBudgetAppeals},
		{"GET /admin/buget/{id}/propuneri/{pid}", staff, wb.adminBudgetProposal},
		{"POST /admin/buget/{id}/propuneri/{pid}/evaluare", staff, wb.adminBudgetReview},
		{"POST /admin/buget/{id}/propuneri/{pid}/contestatie", staff, wb.adminBudgetDecideAppeal},
		{"POST /admin/buget/{id}/propuneri/{pid}/comasare", staff, wb.adminBudgetMerge},
	}
}

// commission refuses whoever is not on the budget commission.
func commission(rq *request) error {
	if !budget.IsCommission(rq.User) {
		return errForbidden
	}
	return nil
}

type budgetAdminData struct {
	adminBase
	Editions []editionRow
	Admin    bool
	Presets  []string
}

func (wb *Web) adminBudget(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := commission(rq); err != nil {
		return err
	}
	list, err := wb.app.Budget.Editions(r.Context(), true)
	if err != nil {
		return err
	}
	today := wb.app.Budget.Today()
	d := budgetAdminData{adminBase: wb.adminBase(r, rq), Admin: rq.User.Role == identity.Admin, Presets: budget.Presets}
	for _, e := range list {
		d.Editions = append(d.Editions, editionRow{e, e.PhaseOn(today)})
	}
	return wb.render(w, r, rq, "budget_admin", "budget.admin.title", d)
}

type budgetEditionForm struct {
	adminBase
	ID     int64 // 0 for a new edition
	Form   budget.EditionInput
	Rules  []option
	Locked bool
}

func (wb *Web) editionForm(r *http.Request, rq *request, id int64, in budget.EditionInput) budgetEditionForm {
	d := budgetEditionForm{adminBase: wb.adminBase(r, rq), ID: id, Form: in}
	for _, name := range rules.Names {
		d.Rules = append(d.Rules, option{name, i18nT(rq.Lang, "budget.rule."+name)})
	}
	return d
}

// adminBudgetNew is the form for a new edition, filled from a preset if asked.
func (wb *Web) adminBudgetNew(w http.ResponseWriter, r *http.Request, rq *request) error {
	in := budget.EditionInput{Currency: string(budget.RON), AreaKind: string(budget.Domains), VoteType: string(budget.Approval),
		MinAge: "18", MaxVotes: "1", RequireTie: true, Rule: "greedy_votes"}
	if name := r.URL.Query().Get("model"); name != "" {
		year := wb.app.Budget.Today().Year()
		p, ok := budget.Preset(name, year)
		if !ok {
			return errNotFound
		}
		in = p
	}
	return wb.render(w, r, rq, "budget_admin_edition", "budget.admin.new_title", wb.editionForm(r, rq, 0, in))
}

func editionInput(r *http.Request) budget.EditionInput {
	v := r.FormValue
	return budget.EditionInput{Title: v("title"), Summary: v("summary"), Currency: v("currency"), TotalBudget: v("total_budget"),
		AreaKind: v("area_kind"), Areas: v("areas"), ProjectCap: v("project_cap"), MaxVotes: v("max_votes"),
		VotesPerArea: v("votes_per_area"), VoteType: v("vote_type"), MaxPoints: v("max_points"), MinAge: v("min_age"),
		RequireTie: v("require_tie") != "", Rule: v("rule"), ProjectsToFund: v("projects_to_fund"), TopUp: v("top_up"),
		ProposalsFrom: v("proposals_from"), ProposalsTo: v("proposals_to"), AnalysisFrom: v("analysis_from"),
		AnalysisTo: v("analysis_to"), AppealsFrom: v("appeals_from"), AppealsTo: v("appeals_to"), VoteFrom: v("vote_from"),
		VoteTo: v("vote_to"), ResultsOn: v("results_on"), Published: v("published") != ""}
}

func (wb *Web) adminBudgetCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	in := editionInput(r)
	e, err := wb.app.Budget.CreateEdition(r.Context(), rq.User, in)
	var inv *budget.InvalidInput
	if errors.As(err, &inv) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return wb.render(w, r, rq, "budget_admin_edition", "budget.admin.new_title", wb.editionForm(r, rq, 0, in), budgetFieldErrors(rq, inv)...)
	}
	if err != nil {
		return budgetErr(err)
	}
	return wb.redirect(w, r, fmt.Sprintf("/admin/buget/%d", e.ID), "budget.admin.created")
}

func (wb *Web) adminBudgetEdition(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	e, err := wb.app.Budget.Edition(r.Context(), id)
	if err != nil {
		return budgetErr(err)
	}
	d := wb.editionForm(r, rq, e.ID, e.Input())
	d.Locked = e.Locked(wb.app.Budget.Today())
	return wb.render(w, r, rq, "budget_admin_edition", "budget.admin.edit_title", d)
}

func (wb *Web) adminBudgetSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	in := editionInput(r)
	_, err = wb.app.Budget.UpdateEdition(r.Context(), rq.User, id, in)
	var inv *budget.InvalidInput
	var ref *budget.Refused
	switch {
	case errors.As(err, &inv):
		w.WriteHeader(http.StatusUnprocessableEntity)
		return wb.render(w, r, rq, "budget_admin_edition", "budget.admin.edit_title", wb.editionForm(r, rq, id, in), budgetFieldErrors(rq, inv)...)
	case errors.As(err, &ref):
		d := wb.editionForm(r, rq, id, in)
		d.Locked = true
		w.WriteHeader(refusalStatus(ref))
		return wb.render(w, r, rq, "budget_admin_edition", "budget.admin.edit_title", d, FieldError{Field: "title", Message: ref.Message(rq.Lang)})
	case err != nil:
		return budgetErr(err)
	}
	return wb.redirect(w, r, fmt.Sprintf("/admin/buget/%d", id), "budget.admin.saved")
}

type budgetAdminProposalsData struct {
	adminBase
	E        *budget.Edition
	Rows     []proposalRow
	Appeals  bool
	Status   string
	Statuses []budget.Status
}

var proposalStatuses = []budget.Status{budget.Submitted, budget.Eligible, budget.Ineligible, budget.Merged}

func (wb *Web) adminBudgetProposals(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.proposalsList(w, r, rq, false)
}

func (wb *Web) adminBudgetAppeals(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.proposalsList(w, r, rq, true)
}

// proposalsList lists an edition's proposals (or those appealed) for the
// commission. It names no proposer.
func (wb *Web) proposalsList(w http.ResponseWriter, r *http.Request, rq *request, appeals bool) error {
	if err := commission(rq); err != nil {
		return err
	}
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	e, err := wb.app.Budget.Edition(r.Context(), id)
	if err != nil {
		return budgetErr(err)
	}
	d := budgetAdminProposalsData{adminBase: wb.adminBase(r, rq), E: e, Appeals: appeals, Statuses: proposalStatuses}
	f := budget.ProposalFilter{Appealed: appeals}
	if s := r.URL.Query().Get("stare"); s != "" && !appeals {
		if !slices.Contains(proposalStatuses, budget.Status(s)) {
			return errNotFound
		}
		f.Status, d.Status = budget.Status(s), s
	}
	list, err := wb.app.Budget.Proposals(r.Context(), e.ID, f)
	if err != nil {
		return err
	}
	for _, p := range list {
		row := proposalRow{Proposal: p}
		if a, ok := e.Area(p.AreaID); ok {
			row.AreaName = a.Name
		}
		d.Rows = append(d.Rows, row)
	}
	title := "budget.admin.proposals_title"
	if appeals {
		title = "budget.admin.appeals_title"
	}
	return wb.render(w, r, rq, "budget_admin_proposals", title, d)
}

type budgetAdminProposalData struct {
	adminBase
	E            *budget.Edition
	P            *budget.Proposal
	Who          *budget.Proposer
	AreaName     string
	MapLink      string
	Locked       bool
	Criteria     []string
	Decision     string
	Failed       []string
	Reason, Cost string
	AppealReason string
	Upheld       string
	MergeOptions []option
	Into         string
	MergeReason  string
	MergedInto   *budget.Proposal
	Desc         []string
}

// proposalForm is what the commission typed, kept after an error.
type proposalForm struct {
	Decision, Reason, Cost string
	Failed                 []string
	AppealReason, Upheld   string
	Into, MergeReason      string
}

func (wb *Web) adminProposalPage(w http.ResponseWriter, r *http.Request, rq *request, f *proposalForm, status int, errs ...FieldError) error {
	if err := commission(rq); err != nil {
		return err
	}
	eid, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathInt(r, "pid")
	if err != nil {
		return err
	}
	p, e, who, err := wb.app.Budget.ForCommission(r.Context(), rq.User, pid)
	if err != nil {
		return budgetErr(err)
	}
	if e.ID != eid {
		return errNotFound
	}
	d := budgetAdminProposalData{adminBase: wb.adminBase(r, rq), E: e, P: p, Who: who, MapLink: osmLink(p),
		Locked: e.Locked(wb.app.Budget.Today()), Criteria: budget.Criteria, Cost: fmt.Sprint(p.Cost), Reason: p.ReviewReason,
		Failed: p.CriteriaFailed, Desc: paragraphs(p.Description)}
	if p.Status == budget.Eligible || p.Status == budget.Ineligible {
		d.Decision = string(p.Status)
	}
	if a, ok := e.Area(p.AreaID); ok {
		d.AreaName = a.Name
	}
	if f != nil {
		d.Decision, d.Reason, d.Cost, d.Failed = f.Decision, f.Reason, f.Cost, f.Failed
		d.AppealReason, d.Upheld, d.Into, d.MergeReason = f.AppealReason, f.Upheld, f.Into, f.MergeReason
	}
	if p.MergedInto != 0 {
		if into, _, err := wb.app.Budget.Proposal(r.Context(), p.MergedInto); err == nil {
			d.MergedInto = into
		}
	}
	if p.Status != budget.Merged {
		same, err := wb.app.Budget.Proposals(r.Context(), e.ID, budget.ProposalFilter{})
		if err != nil {
			return err
		}
		for _, o := range same {
			if o.ID != p.ID && o.AreaID == p.AreaID && (o.Status == budget.Submitted || o.Status == budget.Eligible) {
				d.MergeOptions = append(d.MergeOptions, option{fmt.Sprint(o.ID), o.Number + " – " + o.Title})
			}
		}
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	return wb.render(w, r, rq, "budget_admin_proposal", "budget.admin.proposal_title", d, errs...)
}

func (wb *Web) adminBudgetProposal(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.adminProposalPage(w, r, rq, nil, http.StatusOK)
}

// proposalAction runs one of the commission's decisions and shows its outcome.
func (wb *Web) proposalAction(w http.ResponseWriter, r *http.Request, rq *request, f *proposalForm, formErrs []FieldError,
	act func(pid int64) error, done string) error {
	if err := commission(rq); err != nil {
		return err
	}
	eid, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathInt(r, "pid")
	if err != nil {
		return err
	}
	if owner, err := wb.app.Budget.ProposalEdition(r.Context(), pid); err != nil {
		return budgetErr(err)
	} else if owner != eid {
		return errNotFound
	}
	if len(formErrs) > 0 {
		return wb.adminProposalPage(w, r, rq, f, http.StatusUnprocessableEntity, formErrs...)
	}
	err = act(pid)
	var inv *budget.InvalidInput
	var ref *budget.Refused
	switch {
	case errors.As(err, &inv):
		return wb.adminProposalPage(w, r, rq, f, http.StatusUnprocessableEntity, budgetFieldErrors(rq, inv)...)
	case errors.As(err, &ref):
		return wb.adminProposalPage(w, r, rq, f, refusalStatus(ref), FieldError{Field: "reason", Message: ref.Message(rq.Lang)})
	case err != nil:
		return budgetErr(err)
	}
	return wb.redirect(w, r, fmt.Sprintf("/admin/buget/%d/propuneri/%d", eid, pid), done)
}

func (wb *Web) adminBudgetReview(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := &proposalForm{Decision: r.PostFormValue("decision"), Reason: r.PostFormValue("reason"), Cost: r.PostFormValue("cost"),
		Failed: r.PostForm["criteria"]}
	var errs []FieldError
	if f.Decision != string(budget.Eligible) && f.Decision != string(budget.Ineligible) {
		errs = append(errs, FieldError{Field: "decision", Message: budget.FieldError{Code: "choose"}.Message(rq.Lang)})
	}
	return wb.proposalAction(w, r, rq, f, errs, func(pid int64) error {
		return wb.app.Budget.Review(r.Context(), rq.User, pid, budget.Review{Eligible: f.Decision == string(budget.Eligible),
			Criteria: f.Failed, Reason: f.Reason, Cost: f.Cost}, wb.baseURL(r))
	}, "budget.admin.reviewed")
}

func (wb *Web) adminBudgetDecideAppeal(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := &proposalForm{AppealReason: r.FormValue("appeal_reason"), Upheld: r.FormValue("appeal_decision")}
	var errs []FieldError
	if f.Upheld != "upheld" && f.Upheld != "rejected" {
		errs = append(errs, FieldError{Field: "appeal_decision", Message: budget.FieldError{Code: "choose"}.Message(rq.Lang)})
	}
	return wb.proposalAction(w, r, rq, f, errs, func(pid int64) error {
		return wb.app.Budget.DecideAppeal(r.Context(), rq.User, pid, f.Upheld == "upheld", f.AppealReason, wb.baseURL(r))
	}, "budget.admin.appeal_decided")
}

func (wb *Web) adminBudgetMerge(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := &proposalForm{Into: strings.TrimSpace(r.FormValue("into")), MergeReason: r.FormValue("merge_reason")}
	var into int64
	var errs []FieldError
	if _, err := fmt.Sscan(f.Into, &into); err != nil || into <= 0 {
		errs = append(errs, FieldError{Field: "into", Message: budget.FieldError{Code: "merge_target"}.Message(rq.Lang)})
	}
	return wb.proposalAction(w, r, rq, f, errs, func(pid int64) error {
		return wb.app.Budget.Merge(r.Context(), rq.User, pid, into, f.MergeReason, wb.baseURL(r))
	}, "budget.admin.merged")
}
