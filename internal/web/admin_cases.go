package web

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// queueStatuses are the statuses the queue filter offers, in the order cases meet them.
var queueStatuses = []cases.Status{cases.Registered, cases.Assigned, cases.InProgress, cases.InfoRequested,
	cases.Decided, cases.Closed, cases.Withdrawn}

type queueData struct {
	adminBase
	Rows        []queueRow
	Next        string // the next page's address; empty on the last page
	Status      string
	Overdue     bool
	Department  string // the admin's choice; staff see their own
	DeptName    string
	Departments []option // admins choose one
	Statuses    []cases.Status
	Admin       bool
}

type queueRow struct {
	*cases.Case
	ServiceName string
	Assignee    string
	Overdue     bool
	DueSoon     bool
	WorkingLeft int // working days until the legal deadline, for the due-soon mark
	// ForwardBy is the last day to forward a petition nobody has taken yet to
	// another institution (OG 27/2002 art. 6¹); zero for other cases.
	ForwardBy time.Time
}

// queue reads one page of a department's queue, as rq's user may see it. The rows
// are the list's slim columns: no applicant data, so listing is not a view of
// personal data; opening a case is, and is audited.
func (wb *Web) queue(ctx context.Context, rq *request, f cases.QueueFilter) (*queueData, error) {
	p, err := wb.app.Cases.Queue(ctx, rq.User, f)
	if err != nil {
		return nil, err
	}
	d := &queueData{Status: string(f.Status), Overdue: f.Overdue, Department: f.Department}
	today := wb.app.Cases.Today()
	var ids []int64
	for _, c := range p.Cases {
		ids = append(ids, c.AssigneeID)
	}
	names, err := wb.userNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range p.Cases {
		row := queueRow{Case: c, ServiceName: wb.serviceName(c.Service, rq.Lang), Assignee: names[c.AssigneeID],
			Overdue: c.Overdue(today), DueSoon: wb.app.Cases.DueSoon(c, today)}
		if row.DueSoon {
			row.WorkingLeft = wb.app.Calendar.WorkingDaysBetween(today, c.LegalDeadline)
		}
		row.ForwardBy = wb.queueForwardBy(c)
		d.Rows = append(d.Rows, row)
	}
	if p.Next != "" {
		q := url.Values{"dupa": {p.Next}}
		if f.Status != "" {
			q.Set("status", string(f.Status))
		}
		if f.Overdue {
			q.Set("termen", "depasit")
		}
		if rq.User.Role == identity.Admin && f.Department != "" {
			q.Set("departament", f.Department)
		}
		d.Next = "/admin/cazuri?" + q.Encode()
	}
	return d, nil
}

// adminQueue is the department's queue by legal deadline, soonest first, with
// filters and a next-page link (keyset: the cursor is the last row's deadline and id).
func (wb *Web) adminQueue(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	if !seesQueue(u) {
		return errForbidden
	}
	q := r.URL.Query()
	f := cases.QueueFilter{Status: cases.Status(q.Get("status")), Overdue: q.Get("termen") == "depasit", Cursor: q.Get("dupa"), Limit: 50}
	valid := f.Status == ""
	for _, s := range queueStatuses {
		valid = valid || s == f.Status
	}
	if !valid {
		f.Status = ""
	}
	if u.Role == identity.Admin {
		f.Department = q.Get("departament")
		if _, ok := wb.catalog().Department(f.Department); !ok {
			f.Department = ""
		}
	} else {
		f.Department = u.Department
	}
	d, err := wb.queue(r.Context(), rq, f)
	switch {
	case errors.Is(err, cases.ErrBadCursor):
		return errNotFound
	case errors.Is(err, cases.ErrNotAllowed):
		return errForbidden
	case err != nil:
		return err
	}
	d.adminBase, d.Statuses, d.Admin = wb.adminBase(r, rq), queueStatuses, u.Role == identity.Admin
	d.DeptName = wb.departmentName(f.Department, rq.Lang)
	if d.Admin {
		d.Departments = wb.allDepartments(rq.Lang)
	}
	return wb.render(w, r, rq, "admin_queue", "admin.queue.title", d)
}

// adminCaseData is the case screen: everything about the case, and the forms of
// what the user may do next.
type adminCaseData struct {
	adminBase
	V             *caseView
	Applicant     string
	Assignee      string
	DueSoon       bool
	Channel       string
	Timeline      []eventRow
	Access        []accessRow
	Messages      []messageRow
	Incoming      *registry.Entry
	Reply         *registry.Entry
	CanProcess    bool
	CanAssign     bool // heads and admins choose; workers take the case
	TakeOnly      bool
	Processors    []option
	CanInfo       bool
	CanExtend     bool
	ExtensionLeft string // "12 zile", in the unit of the legal term
	NoExtension   string // a key saying why no extension form is shown
	CanDecide     bool
	CanClose      bool
	Form          map[string]string // what was typed, shown again after an error
	MaxExtendDays int
	Routing       *caseRouting // moving to another service, forwarding (admin_routing.go)
}

type eventRow struct {
	cases.Event
	Label, Actor, Role, Detail string
}

type accessRow struct {
	At                 time.Time
	Actor, Role, What  string
	LegalBasis, Detail string
}

type messageRow struct {
	At        time.Time
	Label, To string
}

// label translates key, or shows fallback when the catalogue has no such key (an
// audit action or message kind added after this page was written).
func label(lang, key, fallback string) string {
	if i18n.Has(key) {
		return i18nT(lang, key)
	}
	return fallback
}

func (wb *Web) adminCase(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	return wb.renderAdminCase(w, r, rq, id, http.StatusOK, nil)
}

// renderAdminCase shows the case screen with status, the values typed in form and
// errs in the error summary. Reading the case through Cases.Get writes the view to
// the audit log; staff of another department get "not found".
func (wb *Web) renderAdminCase(w http.ResponseWriter, r *http.Request, rq *request, id int64, status int, form map[string]string, errs ...FieldError) error {
	ctx, u := r.Context(), rq.User
	c, err := wb.app.Cases.Get(ctx, u, id)
	if err != nil {
		return err
	}
	v, err := wb.caseView(r, rq, c)
	if err != nil {
		return err
	}
	today := wb.app.Cases.Today()
	d := &adminCaseData{adminBase: wb.adminBase(r, rq), V: v, Applicant: c.ApplicantName, DueSoon: wb.app.Cases.DueSoon(c, today), Form: form}
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	ids := []int64{c.AssigneeID}
	for _, e := range v.Events {
		ids = append(ids, e.ActorID)
	}
	for _, a := range v.Access {
		ids = append(ids, a.ActorID)
	}
	names, err := wb.userNames(ctx, ids)
	if err != nil {
		return err
	}
	d.Assignee = names[c.AssigneeID]
	for _, e := range v.Events {
		row := eventRow{Event: e, Actor: names[e.ActorID], Label: label(rq.Lang, "admin.event."+e.Kind, e.Kind),
			Role: label(rq.Lang, "admin.role."+e.ActorRole, e.ActorRole)}
		if e.Kind == "filed" {
			d.Channel, _ = e.Data["channel"].(string)
		}
		row.Detail = wb.eventDetail(rq, e)
		d.Timeline = append(d.Timeline, row)
	}
	for _, a := range v.Access {
		row := accessRow{At: a.At, Actor: names[a.ActorID], Role: label(rq.Lang, "admin.role."+a.ActorRole, a.ActorRole),
			What: label(rq.Lang, "web.audit."+a.Action, a.Action), LegalBasis: a.LegalBasis}
		if a.Action == "case.file.view" {
			row.Detail = a.Detail
		}
		d.Access = append(d.Access, row)
	}
	for _, m := range v.Messages {
		d.Messages = append(d.Messages, messageRow{At: m.CreatedAt, Label: label(rq.Lang, "admin.message."+m.Kind, m.Kind), To: m.Email})
	}
	for i := range v.Entries {
		e := &v.Entries[i]
		switch {
		case e.Direction == registry.Incoming && d.Incoming == nil:
			d.Incoming = e
		case e.Direction == registry.Outgoing && e.CancelledAt.IsZero():
			d.Reply = e
		}
	}

	d.CanProcess = processes(u)
	if d.CanProcess {
		d.CanAssign = !c.Status.Final() && c.Status != cases.Decided
		d.TakeOnly = u.Role == identity.Worker
		if d.CanAssign && !d.TakeOnly {
			people, err := identity.Processors(ctx, wb.app.DB.Read(), c.Department)
			if err != nil {
				return err
			}
			for _, p := range people {
				d.Processors = append(d.Processors, option{strconv.FormatInt(p.ID, 10), p.Name + " (" + i18nT(rq.Lang, "admin.role."+string(p.Role)) + ")"})
			}
		}
		d.CanInfo = c.Status.Open()
		d.CanDecide = c.Status.Open()
		d.CanClose = c.Status == cases.Decided
		if c.Status.Open() || c.Status == cases.InfoRequested {
			switch {
			case v.Service == nil || v.Service.Extension.MaxDays <= 0:
				d.NoExtension = "admin.case.extend_none"
			case v.Service.Extension.MaxDays-c.ExtendedDays <= 0:
				d.NoExtension = "admin.case.extend_used"
			default:
				d.CanExtend = true
				d.MaxExtendDays = v.Service.Extension.MaxDays - c.ExtendedDays
				key := "term.calendar_days"
				if c.Term.Working {
					key = "term.working_days"
				}
				d.ExtensionLeft = i18nT(rq.Lang, key, "Count", d.MaxExtendDays)
			}
		}
	}
	if d.Routing, err = wb.caseRouting(ctx, rq, c, v); err != nil {
		return err
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	return wb.render(w, r, rq, "admin_case", "admin.case.title", d, errs...)
}

// eventDetail says what an event's data adds to its kind: who was given the case,
// by how much the deadline moved, which number the reply has.
func (wb *Web) eventDetail(rq *request, e cases.Event) string {
	str := func(k string) string { s, _ := e.Data[k].(string); return s }
	switch e.Kind {
	case "filed":
		if ch := str("channel"); ch != "" {
			return i18nT(rq.Lang, "admin.channel."+ch)
		}
	case "assigned":
		return str("assignee_name")
	case "extended":
		if day, err := calendar.ParseDate(str("new_deadline")); err == nil {
			return i18nT(rq.Lang, "admin.case.event_new_deadline", "Date", formatDate(rq.Lang, day))
		}
	case "decided":
		if n := str("reply_number"); n != "" {
			return i18nT(rq.Lang, "admin.case.event_reply", "Number", n)
		}
	case "rerouted":
		return i18nT(rq.Lang, "admin.case.event_rerouted", "From", wb.serviceName(str("from_service"), rq.Lang), "To", wb.serviceName(str("to_service"), rq.Lang))
	case "forwarded":
		return i18nT(rq.Lang, "admin.case.event_forwarded", "Institution", str("institution_name"), "Number", str("reply_number"))
	}
	return ""
}

// adminCaseFile sends a file of a case to staff who may see the case; the read is
// audited by the domain.
func (wb *Web) adminCaseFile(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	fileID, err := pathInt(r, "file")
	if err != nil {
		return err
	}
	f, data, err := wb.app.Cases.OpenFile(r.Context(), rq.User, id, fileID)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

// caseAction maps what a case action returned to the page: back to the case with a
// message, or the case again with the error beside the field (422, or 409 when the
// case has moved on meanwhile). form holds the values typed, by field id.
func (wb *Web) caseAction(w http.ResponseWriter, r *http.Request, rq *request, id int64, err error, form map[string]string, prefix, doneKey string) error {
	var exceeded *cases.ExtensionExceeded
	switch {
	case err == nil:
		return wb.redirect(w, r, fmt.Sprintf("/admin/cazuri/%d", id), doneKey)
	case errors.Is(err, cases.ErrNotAllowed):
		return errForbidden
	case errors.Is(err, store.ErrNotFound):
		return errNotFound
	case errors.Is(err, cases.ErrReasonRequired):
		field := prefix + "-reason"
		if prefix == "info" {
			field = "info-message"
		}
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fieldErr(rq, field, "admin.error."+prefix+"_reason"))
	case errors.Is(err, cases.ErrInvalidAssignee):
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fieldErr(rq, "assign-assignee", "admin.error.assignee"))
	case errors.Is(err, cases.ErrInvalidOutcome):
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fieldErr(rq, "decide-outcome", "admin.error.outcome"))
	case errors.Is(err, cases.ErrExtensionNotAllowed):
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fieldErr(rq, "extend-days", "admin.case.extend_none"))
	case errors.As(err, &exceeded):
		fe := fieldErr(rq, "extend-days", "admin.error.extend_days", "Max", exceeded.Max, "Count", exceeded.Max)
		if exceeded.Max <= 0 {
			fe = fieldErr(rq, "extend-days", "admin.case.extend_used")
		}
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fe)
	case errors.Is(err, cases.ErrInvalidTransition):
		return wb.renderAdminCase(w, r, rq, id, http.StatusConflict, form, fieldErr(rq, prefix+"-submit", "admin.error.transition"))
	}
	return err
}

func (wb *Web) adminAssign(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	form := map[string]string{"assign-assignee": r.FormValue("assignee"), "assign-reason": r.FormValue("reason")}
	var assignee int64
	if s := strings.TrimSpace(r.FormValue("assignee")); s != "" {
		if assignee, err = strconv.ParseInt(s, 10, 64); err != nil || assignee <= 0 {
			return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fieldErr(rq, "assign-assignee", "admin.error.assignee"))
		}
	} else if rq.User.Role != identity.Worker {
		// A head or admin names the person; only a worker's form means "me".
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, fieldErr(rq, "assign-assignee", "admin.error.assignee"))
	}
	_, err = wb.app.Cases.Assign(r.Context(), rq.User, id, assignee, r.FormValue("reason"))
	return wb.caseAction(w, r, rq, id, err, form, "assign", "admin.case.assigned")
}

func (wb *Web) adminRequestInfo(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	message := r.FormValue("message")
	form := map[string]string{"info-message": message}
	if len([]rune(message)) > 10000 {
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form,
			fieldErr(rq, "info-message", "field.too_long", "Max", 10000, "Count", 10000))
	}
	_, err = wb.app.Cases.RequestInfo(r.Context(), rq.User, id, message)
	return wb.caseAction(w, r, rq, id, err, form, "info", "admin.case.info_sent")
}

func (wb *Web) adminExtend(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.FormValue("reason"))
	form := map[string]string{"extend-days": r.FormValue("days"), "extend-reason": r.FormValue("reason")}
	days, derr := strconv.Atoi(strings.TrimSpace(r.FormValue("days")))
	var errs []FieldError
	if derr != nil || days <= 0 {
		errs = append(errs, fieldErr(rq, "extend-days", "admin.error.days"))
	}
	errs = append(errs, reasonErrors(rq, "extend-reason", "admin.error.extend_reason", reason)...)
	if len(errs) > 0 {
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, errs...)
	}
	_, err = wb.app.Cases.Extend(r.Context(), rq.User, id, days, reason)
	return wb.caseAction(w, r, rq, id, err, form, "extend", "admin.case.extended")
}

// maxReason bounds a staff member's written reason, in characters.
const maxReason = 2000

// reasonErrors checks a written reason: present, unless missingKey is empty, and
// not longer than maxReason.
func reasonErrors(rq *request, field, missingKey, reason string) []FieldError {
	switch {
	case reason == "" && missingKey != "":
		return []FieldError{fieldErr(rq, field, missingKey)}
	case len([]rune(reason)) > maxReason:
		return []FieldError{fieldErr(rq, field, "field.too_long", "Max", maxReason, "Count", maxReason)}
	}
	return nil
}

func (wb *Web) adminDecide(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	outcome := cases.Outcome(r.FormValue("outcome"))
	reason := strings.TrimSpace(r.FormValue("reason"))
	form := map[string]string{"decide-outcome": string(outcome), "decide-reason": r.FormValue("reason")}
	var errs []FieldError
	if outcome != cases.Approved && outcome != cases.Rejected && outcome != cases.Partial {
		errs = append(errs, fieldErr(rq, "decide-outcome", "admin.error.outcome"))
	}
	if reason == "" {
		errs = append(errs, fieldErr(rq, "decide-reason", "admin.error.decide_reason"))
	} else if len([]rune(reason)) > 10000 {
		errs = append(errs, fieldErr(rq, "decide-reason", "field.too_long", "Max", 10000, "Count", 10000))
	}
	if len(errs) > 0 {
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, errs...)
	}
	_, err = wb.app.Cases.Decide(r.Context(), rq.User, id, outcome, reason)
	return wb.caseAction(w, r, rq, id, err, form, "decide", "admin.case.decided")
}

func (wb *Web) adminClose(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	reason := r.FormValue("reason")
	form := map[string]string{"close-reason": reason}
	if errs := reasonErrors(rq, "close-reason", "", reason); len(errs) > 0 {
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, form, errs...)
	}
	_, err = wb.app.Cases.Close(r.Context(), rq.User, id, reason)
	return wb.caseAction(w, r, rq, id, err, form, "close", "admin.case.closed")
}

// adminReview records a person's review of an automated step, and reverses the
// automated decision when asked.
func (wb *Web) adminReview(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	step, err := pathInt(r, "step")
	if err != nil {
		return err
	}
	err = wb.app.Clerk.Review(r.Context(), rq.User, id, step, r.FormValue("reverse") != "", r.FormValue("note"))
	switch {
	case errors.Is(err, cases.ErrReasonRequired):
		return wb.renderAdminCase(w, r, rq, id, http.StatusUnprocessableEntity, nil, fieldErr(rq, fmt.Sprintf("review-%d", step), "admin.error.review_reason"))
	case errors.Is(err, clerk.ErrAlreadyReviewed), errors.Is(err, cases.ErrInvalidTransition):
		return wb.renderAdminCase(w, r, rq, id, http.StatusConflict, nil, fieldErr(rq, fmt.Sprintf("review-%d", step), "admin.error.transition"))
	}
	return wb.caseAction(w, r, rq, id, err, nil, "review", "admin.automation.done")
}
