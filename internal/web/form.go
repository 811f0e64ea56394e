package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/store"
)

// steps splits a form into short pages (GOV.UK's "one thing per page", loosely): at
// most three short questions a page, and a long text or a file upload on a page of
// its own.
func steps(s *catalog.Service) [][]*catalog.Field {
	var out [][]*catalog.Field
	var cur []*catalog.Field
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	for _, f := range s.Fields {
		big := f.Type == catalog.FieldTextarea || f.Type == catalog.FieldFile
		if big {
			flush()
			out = append(out, []*catalog.Field{f})
			continue
		}
		cur = append(cur, f)
		if len(cur) == 3 {
			flush()
		}
	}
	flush()
	return out
}

func (wb *Web) startDraft(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := wb.app.Cases.NewDraft(r.Context(), rq.User, r.PathValue("code"))
	if errors.Is(err, cases.ErrUnknownService) || errors.Is(err, cases.ErrServiceDisabled) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return wb.redirect(w, r, fmt.Sprintf("/ciorne/%d/pas/1", d.ID), "")
}

type draftsData struct {
	Drafts []draftRow
	Days   int
}

type draftRow struct {
	*cases.Draft
	ServiceName string
}

func (wb *Web) drafts(w http.ResponseWriter, r *http.Request, rq *request) error {
	list, err := wb.app.Cases.Drafts(r.Context(), rq.User)
	if err != nil {
		return err
	}
	d := draftsData{Days: int(cases.DraftLifetime.Hours() / 24)}
	for _, x := range list {
		row := draftRow{Draft: x, ServiceName: x.Service}
		if s, ok := wb.app.Catalog.Service(x.Service); ok {
			row.ServiceName = s.Name.In(rq.Lang)
		}
		d.Drafts = append(d.Drafts, row)
	}
	return wb.render(w, r, rq, "drafts", "web.drafts.title", d)
}

// stepData is one page of a form.
type stepData struct {
	Draft       *cases.Draft
	Service     *catalog.Service
	ServiceName string
	Step, Steps int
	Fields      []fieldView
	Multipart   bool
	KeepDays    int
}

// fieldView is a field ready for the template: texts in the page's language and
// the value to show.
type fieldView struct {
	*catalog.Field
	Label, Hint, Value, Error string
	Options                   []option
	FileName                  string
	InputType, InputMode      string
	Autocomplete              string
	Limits                    string
	OptionalText, KeptText    string
}

func (wb *Web) fieldViews(rq *request, d *cases.Draft, fields []*catalog.Field, errs []FieldError) []fieldView {
	var out []fieldView
	for _, f := range fields {
		v := fieldView{Field: f, Label: f.Label.In(rq.Lang), Hint: f.Hint.In(rq.Lang), Value: d.Fields[f.Key], InputType: "text",
			OptionalText: i18nT(rq.Lang, "web.form.optional")}
		for _, e := range errs {
			if e.Field == f.Key {
				v.Error = e.Message
			}
		}
		for _, o := range f.Options {
			v.Options = append(v.Options, option{o.Value, o.Label.In(rq.Lang)})
		}
		for _, df := range d.Files {
			if df.Field == f.Key {
				v.FileName = df.Name
				v.KeptText = i18nT(rq.Lang, "web.form.file_kept", "Name", df.Name)
			}
		}
		switch f.Type {
		case catalog.FieldEmail:
			v.InputType, v.Autocomplete = "email", "email"
		case catalog.FieldPhone:
			v.InputType, v.Autocomplete = "tel", "tel"
		case catalog.FieldCNP, catalog.FieldCUI:
			v.InputMode = "numeric"
		case catalog.FieldNumber:
			v.InputMode = "decimal"
		case catalog.FieldDate:
			v.InputType = "date"
		case catalog.FieldFile:
			types := make([]string, len(f.Accept))
			for i, a := range f.Accept {
				types[i] = strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(a, "application/"), "image/"))
			}
			v.Limits = i18nT(rq.Lang, "web.form.file_limits", "MaxMB", f.MaxSizeMB, "Types", strings.Join(types, ", "))
		}
		if f.Key == "name" {
			v.Autocomplete = "name"
		}
		out = append(out, v)
	}
	return out
}

func (wb *Web) loadStep(r *http.Request, rq *request) (*cases.Draft, *catalog.Service, [][]*catalog.Field, int, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, nil, nil, 0, err
	}
	d, err := wb.app.Cases.Draft(r.Context(), rq.User, id)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	s, ok := wb.app.Catalog.Service(d.Service)
	if !ok {
		return nil, nil, nil, 0, errNotFound
	}
	all := steps(s)
	step, err := strconv.Atoi(r.PathValue("step"))
	if err != nil || step < 1 || step > len(all) {
		return nil, nil, nil, 0, errNotFound
	}
	return d, s, all, step, nil
}

func (wb *Web) draftStep(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, s, all, step, err := wb.loadStep(r, rq)
	if err != nil {
		return err
	}
	return wb.renderStep(w, r, rq, d, s, all, step, nil)
}

func (wb *Web) renderStep(w http.ResponseWriter, r *http.Request, rq *request, d *cases.Draft, s *catalog.Service, all [][]*catalog.Field, step int, errs []FieldError) error {
	data := stepData{Draft: d, Service: s, ServiceName: s.Name.In(rq.Lang), Step: step, Steps: len(all),
		Fields: wb.fieldViews(rq, d, all[step-1], errs), KeepDays: int(cases.DraftLifetime.Hours() / 24)}
	for _, f := range all[step-1] {
		if f.Type == catalog.FieldFile {
			data.Multipart = true
		}
	}
	if len(errs) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return wb.render(w, r, rq, "step", "web.form.title", data, errs...)
}

// saveStep keeps what was typed on one page, checks that page's questions, and moves
// on (or back to the check-your-answers page when changing one answer).
func (wb *Web) saveStep(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, s, all, step, err := wb.loadStep(r, rq)
	if err != nil {
		return err
	}
	var files []cases.File
	for _, f := range all[step-1] {
		switch f.Type {
		case catalog.FieldFile:
			file, h, err := r.FormFile(f.Key)
			if err == nil {
				data, err := io.ReadAll(io.LimitReader(file, wb.maxBody()))
				file.Close()
				if err != nil {
					return err
				}
				if len(data) > 0 {
					files = append(files, cases.File{Field: f.Key, Name: h.Filename, Data: data})
				}
			}
		case catalog.FieldCheckbox:
			if r.FormValue(f.Key) != "" {
				d.Fields[f.Key] = "true"
			} else {
				delete(d.Fields, f.Key)
			}
		default:
			d.Fields[f.Key] = r.FormValue(f.Key)
		}
	}
	// Check this page's answers with the service's own rules, the files included.
	uploads := d.Uploads()
	for _, f := range files {
		uploads = append(uploads, catalog.Upload{Field: f.Field, Name: f.Name, Size: int64(len(f.Data)), ContentType: catalog.SniffContentType(f.Data)})
	}
	values := map[string]any{}
	for k, v := range d.Fields {
		if v != "" {
			values[k] = v
		}
	}
	_, fieldErrs := s.ValidateInput(values, dedupeUploads(uploads))
	onPage := map[string]bool{}
	for _, f := range all[step-1] {
		onPage[f.Key] = true
	}
	var errs []FieldError
	for _, fe := range fieldErrs {
		if onPage[fe.Field] {
			errs = append(errs, FieldError{fe.Field, fe.Message(rq.Lang)})
		}
	}
	if len(errs) > 0 {
		// Keep the typed values (not the refused files) so nothing needs retyping.
		if err := wb.app.Cases.SaveDraft(r.Context(), rq.User, d, nil); err != nil {
			return err
		}
		return wb.renderStep(w, r, rq, d, s, all, step, errs)
	}
	if err := wb.app.Cases.SaveDraft(r.Context(), rq.User, d, files); err != nil {
		return err
	}
	switch {
	case r.FormValue("later") != "":
		return wb.redirect(w, r, "/ciorne", "web.drafts.saved")
	case r.FormValue("back") == "check" || step == len(all):
		return wb.redirect(w, r, fmt.Sprintf("/ciorne/%d/verificare", d.ID), "")
	}
	return wb.redirect(w, r, fmt.Sprintf("/ciorne/%d/pas/%d", d.ID, step+1), "")
}

// dedupeUploads keeps the last upload of each file field: a new file replaces the old.
func dedupeUploads(ups []catalog.Upload) []catalog.Upload {
	last := map[string]int{}
	for i, u := range ups {
		last[u.Field] = i
	}
	var out []catalog.Upload
	for i, u := range ups {
		if last[u.Field] == i {
			out = append(out, u)
		}
	}
	return out
}

type checkData struct {
	Draft       *cases.Draft
	ServiceName string
	Rows        []answerRow
	Service     *catalog.Service
}

type answerRow struct {
	Label, Value, Error string
	Step                int
	Key                 string
}

func (wb *Web) checkAnswers(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	d, err := wb.app.Cases.Draft(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	return wb.renderCheck(w, r, rq, d, nil)
}

func (wb *Web) renderCheck(w http.ResponseWriter, r *http.Request, rq *request, d *cases.Draft, errs []FieldError) error {
	s, ok := wb.app.Catalog.Service(d.Service)
	if !ok {
		return errNotFound
	}
	data := checkData{Draft: d, ServiceName: s.Name.In(rq.Lang), Service: s}
	for i, page := range steps(s) {
		for _, f := range page {
			row := answerRow{Label: f.Label.In(rq.Lang), Value: d.Fields[f.Key], Step: i + 1, Key: f.Key}
			switch f.Type {
			case catalog.FieldFile:
				row.Value = ""
				for _, df := range d.Files {
					if df.Field == f.Key {
						row.Value = df.Name
					}
				}
			case catalog.FieldChoice:
				for _, o := range f.Options {
					if o.Value == row.Value {
						row.Value = o.Label.In(rq.Lang)
					}
				}
			case catalog.FieldCheckbox:
				if row.Value == "true" {
					row.Value = i18nT(rq.Lang, "web.yes")
				} else {
					row.Value = i18nT(rq.Lang, "web.no")
				}
			case catalog.FieldDate:
				if day, err := calendar.ParseDate(row.Value); err == nil {
					row.Value = formatDate(rq.Lang, day)
				}
			}
			for _, e := range errs {
				if e.Field == f.Key {
					row.Error = e.Message
				}
			}
			data.Rows = append(data.Rows, row)
		}
	}
	if len(errs) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return wb.render(w, r, rq, "check", "web.check.title", data, errs...)
}

// submitDraft files the request. The confirmation e-mail is queued in the same
// transaction as the filing.
func (wb *Web) submitDraft(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	c, err := wb.app.Cases.FileDraft(r.Context(), rq.User, id, func(tx *store.Tx, c *cases.Case) error {
		to := c.Fields["email"]
		if to == "" {
			to = rq.User.Email
		}
		name := c.Service
		if s, ok := wb.app.Catalog.Service(c.Service); ok {
			name = s.Name.In(rq.Lang)
		}
		return notify.Enqueue(r.Context(), tx, notify.Message{UserID: rq.User.ID, Email: to, CaseID: c.ID, Kind: "request.filed",
			Params: map[string]any{"number": c.Number, "service": c.Service, "service_name": name, "lang": rq.Lang,
				"legal_deadline": calendar.FormatDate(c.LegalDeadline), "link": wb.baseURL(r) + fmt.Sprintf("/cereri/%d", c.ID)}})
	})
	var invalid *cases.InvalidInput
	if errors.As(err, &invalid) {
		d, derr := wb.app.Cases.Draft(r.Context(), rq.User, id)
		if derr != nil {
			return derr
		}
		var errs []FieldError
		for _, fe := range invalid.Errors {
			errs = append(errs, FieldError{fe.Field, fe.Message(rq.Lang)})
		}
		return wb.renderCheck(w, r, rq, d, errs)
	}
	if err != nil {
		return err
	}
	return wb.redirect(w, r, fmt.Sprintf("/cereri/%d?nou=1", c.ID), "")
}

func (wb *Web) deleteDraft(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	if err := wb.app.Cases.DeleteDraft(r.Context(), rq.User, id); err != nil {
		return err
	}
	return wb.redirect(w, r, "/ciorne", "web.drafts.deleted")
}
