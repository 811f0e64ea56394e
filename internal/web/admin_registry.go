package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// paperChannels are the ways paper reaches the registry.
var paperChannels = []string{"counter", "post", "email"}

// registryData is the clerk's screen: register paper received at the counter (a
// service request, filed like an online one, or a plain document), see the number
// at once, and the latest entries of the general register.
type registryData struct {
	adminBase
	Services    []option
	Service     *catalog.Service // the service whose form is shown, if one was chosen
	ServiceName string
	Fields      []fieldView
	Multipart   bool
	Channel     string // of the request form
	Channels    []string
	Departments []option
	Doc         docForm
	Registered  *registry.Entry // the entry just registered, to show its number
	CaseID      int64           // its case, when the user may open it
	Entries     []entryRow
	Next        string
	Year        int
}

type docForm struct {
	Department, Subject, Correspondent, Channel string
}

type entryRow struct {
	registry.Entry
	DepartmentName string
}

// registryPage gathers the screen. Listing the register shows correspondents' names,
// so each look is audited, as the API's listing is.
func (wb *Web) registryPage(r *http.Request, rq *request, d *registryData) error {
	ctx, u := r.Context(), rq.User
	d.adminBase, d.Channels, d.Departments = wb.adminBase(r, rq), paperChannels, wb.allDepartments(rq.Lang)
	if d.Channel == "" {
		d.Channel = "counter"
	}
	if d.Doc.Channel == "" {
		d.Doc.Channel = "counter"
	}
	for _, s := range wb.catalog().Services() {
		if s.Enabled {
			d.Services = append(d.Services, option{s.Code, s.Name.In(rq.Lang)})
		}
	}
	sortOptions(rq.Lang, d.Services)
	if d.Service != nil {
		d.ServiceName = d.Service.Name.In(rq.Lang)
		for _, f := range d.Service.Fields {
			if f.Type == catalog.FieldFile {
				d.Multipart = true
			}
		}
	}
	d.Year = wb.app.Cases.Today().Year()
	f := registry.ListFilter{Register: "general", Year: d.Year, Limit: 50}
	if s := r.URL.Query().Get("inainte"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return errNotFound
		}
		f.BeforeID = n
	}
	list, err := registry.List(ctx, wb.app.DB.Read(), f)
	if err != nil {
		return err
	}
	if err := audit.Log(ctx, wb.app.DB, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "registry.list",
		Entity: "registry", EntityID: f.Register, Detail: strconv.Itoa(f.Year)}); err != nil {
		return err
	}
	for _, e := range list {
		d.Entries = append(d.Entries, entryRow{Entry: e, DepartmentName: wb.departmentName(e.Department, rq.Lang)})
	}
	if len(list) == f.Limit {
		d.Next = "/admin/registratura?" + url.Values{"inainte": {strconv.FormatInt(list[len(list)-1].ID, 10)}}.Encode()
	}
	return nil
}

func (wb *Web) renderRegistry(w http.ResponseWriter, r *http.Request, rq *request, d *registryData, status int, errs ...FieldError) error {
	if err := wb.registryPage(r, rq, d); err != nil {
		return err
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	return wb.render(w, r, rq, "admin_registry", "admin.registry.title", d, errs...)
}

func (wb *Web) adminRegistry(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !keepsRegistry(rq.User) {
		return errForbidden
	}
	q := r.URL.Query()
	d := &registryData{}
	if code := q.Get("serviciu"); code != "" {
		s, ok := wb.catalog().Service(code)
		if !ok || !s.Enabled {
			return errNotFound
		}
		d.Service = s
		d.Fields = wb.fieldViews(rq, &cases.Draft{Fields: map[string]string{}}, s.Fields, nil)
	}
	if s := q.Get("intrare"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return errNotFound
		}
		e, err := registry.Get(r.Context(), wb.app.DB.Read(), id)
		if err != nil {
			return err
		}
		d.Registered = &e
		if e.CaseID != 0 && rq.User.SeesDepartment(e.Department) {
			d.CaseID = e.CaseID
		}
	}
	return wb.renderRegistry(w, r, rq, d, http.StatusOK)
}

// adminRegisterRequest files a service request received on paper: the same checks,
// numbering and case as online, with the clerk as the one who registered it.
func (wb *Web) adminRegisterRequest(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !keepsRegistry(rq.User) {
		return errForbidden
	}
	s, ok := wb.catalog().Service(r.FormValue("service"))
	if !ok || !s.Enabled {
		return wb.renderRegistry(w, r, rq, &registryData{}, http.StatusUnprocessableEntity, fieldErr(rq, "req-service", "admin.registry.service_required"))
	}
	d := &registryData{Service: s, Channel: r.FormValue("channel")}
	if !contains(paperChannels, d.Channel) {
		d.Channel = "counter"
	}
	values := map[string]any{}
	typed := &cases.Draft{Fields: map[string]string{}}
	var files []cases.File
	for _, f := range s.Fields {
		switch f.Type {
		case catalog.FieldFile:
			if r.MultipartForm == nil {
				continue
			}
			for _, h := range r.MultipartForm.File[f.Key] {
				file, err := h.Open()
				if err != nil {
					return err
				}
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
				values[f.Key], typed.Fields[f.Key] = "true", "true"
			}
		default:
			if v := r.FormValue(f.Key); v != "" {
				values[f.Key], typed.Fields[f.Key] = v, v
			}
		}
	}
	c, err := wb.app.Cases.File(r.Context(), cases.Filing{Service: s.Code, Fields: values, Files: files, Clerk: rq.User, Channel: d.Channel})
	var invalid *cases.InvalidInput
	switch {
	case errors.As(err, &invalid):
		var errs []FieldError
		for _, fe := range invalid.Errors {
			errs = append(errs, FieldError{fe.Field, fe.Message(rq.Lang)})
		}
		d.Fields = wb.fieldViews(rq, typed, s.Fields, errs)
		return wb.renderRegistry(w, r, rq, d, http.StatusUnprocessableEntity, errs...)
	case errors.Is(err, cases.ErrServiceDisabled), errors.Is(err, cases.ErrUnknownService):
		return wb.renderRegistry(w, r, rq, &registryData{}, http.StatusUnprocessableEntity, fieldErr(rq, "req-service", "admin.registry.service_required"))
	case err != nil:
		return err
	}
	entries, err := registry.ForCase(r.Context(), wb.app.DB.Read(), c.ID)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Direction == registry.Incoming {
			return wb.redirect(w, r, fmt.Sprintf("/admin/registratura?intrare=%d", e.ID), "admin.registry.registered")
		}
	}
	return fmt.Errorf("case %d has no incoming registry entry", c.ID)
}

// adminRegisterDocument registers an incoming document that is not a service
// request (a letter, a notice from another institution), numbered at once.
func (wb *Web) adminRegisterDocument(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	if !keepsRegistry(u) {
		return errForbidden
	}
	doc := docForm{Department: r.FormValue("department"), Subject: strings.TrimSpace(r.FormValue("subject")),
		Correspondent: strings.TrimSpace(r.FormValue("correspondent")), Channel: r.FormValue("channel")}
	var errs []FieldError
	dept, ok := wb.catalog().Department(doc.Department)
	if !ok {
		errs = append(errs, fieldErr(rq, "doc-department", "admin.registry.department_required"))
	}
	switch {
	case doc.Subject == "":
		errs = append(errs, fieldErr(rq, "doc-subject", "admin.registry.subject_required"))
	case len([]rune(doc.Subject)) > 500:
		errs = append(errs, fieldErr(rq, "doc-subject", "field.too_long", "Max", 500, "Count", 500))
	case hasControl(doc.Subject):
		errs = append(errs, fieldErr(rq, "doc-subject", "field.invalid_characters"))
	}
	switch {
	case doc.Correspondent == "":
		errs = append(errs, fieldErr(rq, "doc-correspondent", "admin.registry.correspondent_required"))
	case len([]rune(doc.Correspondent)) > 300:
		errs = append(errs, fieldErr(rq, "doc-correspondent", "field.too_long", "Max", 300, "Count", 300))
	case hasControl(doc.Correspondent):
		errs = append(errs, fieldErr(rq, "doc-correspondent", "field.invalid_characters"))
	}
	if !contains(paperChannels, doc.Channel) {
		errs = append(errs, fieldErr(rq, "doc-channel", "admin.registry.channel_required"))
	}
	if len(errs) > 0 {
		return wb.renderRegistry(w, r, rq, &registryData{Doc: doc}, http.StatusUnprocessableEntity, errs...)
	}
	var e registry.Entry
	err := wb.app.DB.Tx(r.Context(), func(tx *store.Tx) error {
		var err error
		e, err = wb.app.Registry.Register(r.Context(), tx, registry.NewEntry{Register: "general", Direction: registry.Incoming,
			Department: dept.Code, Compartment: dept.Compartment, Subject: doc.Subject, Correspondent: doc.Correspondent,
			Channel: doc.Channel, CreatedBy: u.ID, CreatedByRole: string(u.Role)})
		return err
	})
	if err != nil {
		return err
	}
	return wb.redirect(w, r, fmt.Sprintf("/admin/registratura?intrare=%d", e.ID), "admin.registry.registered")
}

// adminCancelEntry cancels an entry with a reason; its number stays used.
func (wb *Web) adminCancelEntry(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	if !keepsRegistry(u) {
		return errForbidden
	}
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.FormValue("reason"))
	field := fmt.Sprintf("cancel-%d", id)
	if len([]rune(reason)) > 500 {
		return wb.renderRegistry(w, r, rq, &registryData{}, http.StatusUnprocessableEntity, fieldErr(rq, field, "field.too_long", "Max", 500, "Count", 500))
	}
	err = registry.Cancel(r.Context(), wb.app.DB, id, reason, u.ID, string(u.Role))
	switch {
	case errors.Is(err, registry.ErrReasonRequired):
		if _, gerr := registry.Get(r.Context(), wb.app.DB.Read(), id); gerr != nil {
			return gerr
		}
		return wb.renderRegistry(w, r, rq, &registryData{}, http.StatusUnprocessableEntity, fieldErr(rq, field, "admin.registry.cancel_reason_required"))
	case errors.Is(err, registry.ErrAlreadyCancelled):
		return wb.redirect(w, r, "/admin/registratura", "admin.registry.already_cancelled")
	case err != nil:
		return err
	}
	return wb.redirect(w, r, "/admin/registratura", "admin.registry.cancelled")
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}
