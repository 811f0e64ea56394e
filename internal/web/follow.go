package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/sources"
)

type requestsData struct {
	Rows []requestRow
	Next string
}

type requestRow struct {
	*cases.Case
	ServiceName string
	Overdue     bool
}

func (wb *Web) myRequests(w http.ResponseWriter, r *http.Request, rq *request) error {
	p, err := wb.app.Cases.ListOwn(r.Context(), rq.User, r.URL.Query().Get("dupa"), 20)
	if errors.Is(err, cases.ErrBadCursor) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	d := requestsData{Next: p.Next}
	today := wb.app.Cases.Today()
	for _, c := range p.Cases {
		row := requestRow{Case: c, ServiceName: c.Service, Overdue: c.Overdue(today)}
		if s, ok := wb.app.Catalog.Service(c.Service); ok {
			row.ServiceName = s.Name.In(rq.Lang)
		}
		d.Rows = append(d.Rows, row)
	}
	return wb.render(w, r, rq, "requests", "web.requests.title", d)
}

// caseView is everything a case page shows, to its applicant or to staff.
type caseView struct {
	Case        *cases.Case
	Service     *catalog.Service
	ServiceName string
	Department  string
	Fields      []answerRow
	Events      []cases.Event
	Files       []cases.FileInfo
	Entries     []registry.Entry
	Messages    []notify.Pending
	Access      []audit.Record
	Automation  []clerk.Step // what the virtual civil servant did, and why
	Issued      []*documents.Issued
	// Meeting is the meeting booked for the request, while it is still ahead.
	Meeting   *sources.Booking
	Overdue   bool
	New       bool
	NextActor string // a key: who acts next
	Staff     []staffOption
}

type staffOption struct {
	ID   int64
	Name string
}

func (wb *Web) caseView(r *http.Request, rq *request, c *cases.Case) (*caseView, error) {
	ctx, q := r.Context(), wb.app.DB.Read()
	v := &caseView{Case: c, ServiceName: c.Service, Overdue: c.Overdue(wb.app.Cases.Today())}
	if s, ok := wb.app.Catalog.Service(c.Service); ok {
		v.Service, v.ServiceName = s, s.Name.In(rq.Lang)
		for _, f := range s.Fields {
			if f.Type == catalog.FieldFile {
				continue
			}
			row := answerRow{Label: f.Label.In(rq.Lang), Value: c.Fields[f.Key], Key: f.Key}
			for _, o := range f.Options {
				if o.Value == row.Value {
					row.Value = o.Label.In(rq.Lang)
				}
			}
			if row.Value != "" {
				v.Fields = append(v.Fields, row)
			}
		}
	}
	if d, ok := wb.app.Catalog.Department(c.Department); ok {
		v.Department = d.Name.In(rq.Lang)
	}
	var err error
	if v.Events, err = cases.Timeline(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if v.Files, err = cases.Files(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if v.Entries, err = registry.ForCase(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if v.Messages, err = notify.ForCase(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if v.Automation, err = clerk.Steps(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if v.Issued, err = documents.ForCase(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if b, err := sources.BookingForCase(ctx, q, c.ID); err == nil && b.StartsAt.After(time.Now()) {
		v.Meeting = &b
	}
	records, err := audit.ForCase(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	for _, rec := range records {
		if rec.ActorRole != "citizen" && rec.ActorRole != "system" {
			v.Access = append(v.Access, rec)
		}
	}
	switch c.Status {
	case cases.InfoRequested:
		v.NextActor = "web.case.next.you"
	case cases.Registered, cases.Assigned, cases.InProgress:
		v.NextActor = "web.case.next.cityhall"
	default:
		v.NextActor = "web.case.next.none"
	}
	return v, nil
}

func (wb *Web) myRequest(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	c, err := wb.app.Cases.Get(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	v, err := wb.caseView(r, rq, c)
	if err != nil {
		return err
	}
	v.New = r.URL.Query().Get("nou") == "1"
	return wb.render(w, r, rq, "request", "web.request.title", v)
}

// answer takes the applicant's answer to a request for information, with an optional file.
func (wb *Web) answer(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	var files []cases.File
	if file, h, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(io.LimitReader(file, 10<<20+1))
		file.Close()
		if err != nil {
			return err
		}
		ct := catalog.SniffContentType(data)
		if len(data) > 10<<20 || !contains(catalog.DefaultAccept, ct) {
			return wb.answerError(w, r, rq, id, FieldError{"file", i18nT(rq.Lang, "web.request.answer_file_invalid")})
		}
		if len(data) > 0 {
			files = append(files, cases.File{Field: "answer", Name: h.Filename, Data: data})
		}
	}
	message := strings.TrimSpace(r.FormValue("message"))
	if len([]rune(message)) > 10000 {
		return wb.answerError(w, r, rq, id, FieldError{"message", i18nT(rq.Lang, "field.too_long", "Max", 10000, "Count", 10000)})
	}
	_, err = wb.app.Cases.Respond(r.Context(), rq.User, id, message, files)
	switch {
	case errors.Is(err, cases.ErrReasonRequired):
		return wb.answerError(w, r, rq, id, FieldError{"message", i18nT(rq.Lang, "web.request.answer_required")})
	case errors.Is(err, cases.ErrInvalidTransition):
		return wb.redirect(w, r, fmt.Sprintf("/cereri/%d", id), "web.request.nothing_to_answer")
	case err != nil:
		return err
	}
	return wb.redirect(w, r, fmt.Sprintf("/cereri/%d", id), "web.request.answered")
}

func (wb *Web) answerError(w http.ResponseWriter, r *http.Request, rq *request, id int64, fe FieldError) error {
	c, err := wb.app.Cases.Get(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	v, err := wb.caseView(r, rq, c)
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	return wb.render(w, r, rq, "request", "web.request.title", v, fe)
}

func (wb *Web) withdraw(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	_, err = wb.app.Cases.Withdraw(r.Context(), rq.User, id, r.FormValue("reason"))
	if errors.Is(err, cases.ErrInvalidTransition) {
		return wb.redirect(w, r, fmt.Sprintf("/cereri/%d", id), "web.request.cannot_withdraw")
	}
	if err != nil {
		return err
	}
	return wb.redirect(w, r, fmt.Sprintf("/cereri/%d", id), "web.request.withdrawn")
}

// cancelMeeting cancels the meeting booked for the citizen's own request: the slot
// goes back to others and the confirmation is revoked.
func (wb *Web) cancelMeeting(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/cereri/%d", id)
	err = wb.app.Clerk.CancelMeeting(r.Context(), rq.User, id, r.FormValue("reason"))
	switch {
	case errors.Is(err, cases.ErrReasonRequired):
		return wb.redirect(w, r, back, "web.request.meeting_reason_required")
	case errors.Is(err, clerk.ErrNotAMeeting):
		return wb.redirect(w, r, back, "web.request.no_meeting")
	case err != nil:
		return err
	}
	return wb.redirect(w, r, back, "web.request.meeting_cancelled")
}

// myDocument serves an answer issued for the citizen's own request.
func (wb *Web) myDocument(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	docID, err := pathInt(r, "doc")
	if err != nil {
		return err
	}
	c, err := wb.app.Cases.Get(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	d, err := documents.OfCase(r.Context(), wb.app.DB.Read(), c.ID, docID)
	if err != nil {
		return err
	}
	pdf, err := documents.PDF(r.Context(), wb.app.DB.Read(), d)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="raspuns-%d.pdf"`, d.ID))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(pdf)
	return err
}
