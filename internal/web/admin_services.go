package web

import (
	"context"
	"net/http"
	"sort"

	"github.com/cetate/cetate/internal/catalog"
)

// The service catalogue and the administrators' overrides.
//
// A catalog.Catalog is immutable and shared without locks by every request, so an
// override never changes it: catalog.Live holds the catalogue in force and swaps in
// a new one, built by Catalog.WithOverrides, atomically. The back office reads that
// Live (app.App.Catalog) in force everywhere — portal, API, filing, back office —
// and app.ReloadCatalog rebuilds the finder with it, so a change takes effect at once.

// catalog returns the catalogue in force, overrides applied.
func (wb *Web) catalog() *catalog.Catalog { return wb.app.Catalog.Current() }

// reloadCatalog reads the overrides again (another replica may have changed them)
// and puts them in force everywhere: portal, API, filing and the finder.
func (wb *Web) reloadCatalog(ctx context.Context) error { return wb.app.ReloadCatalog(ctx) }

type servicesData struct {
	adminBase
	Rows []serviceRow
}

type serviceRow struct {
	Code, Name, Department string
	Enabled                bool
	Changed                bool // an administrator changed it over its files
	FilesEnabled           bool
}

func (wb *Web) adminServices(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := wb.reloadCatalog(r.Context()); err != nil {
		return err
	}
	d := servicesData{adminBase: wb.adminBase(r, rq)}
	for _, s := range wb.catalog().Services() {
		row := serviceRow{Code: s.Code, Name: s.Name.In(rq.Lang), Department: wb.departmentName(s.Department, rq.Lang), Enabled: s.Enabled}
		if o, ok := wb.app.Catalog.Override(s.Code); ok && !o.IsZero() {
			row.Changed = true
		}
		if b, ok := wb.app.Catalog.Base().Service(s.Code); ok {
			row.FilesEnabled = b.Enabled
		}
		d.Rows = append(d.Rows, row)
	}
	less := lessIn(rq.Lang)
	sort.SliceStable(d.Rows, func(i, j int) bool { return less(d.Rows[i].Name, d.Rows[j].Name) })
	return wb.render(w, r, rq, "admin_services", "admin.services.title", d)
}

type serviceEditData struct {
	adminBase
	Code, Name string
	Enabled    bool
	Names      []textField
	Summaries  []textField
}

// textField is one language of a text an administrator may override.
type textField struct {
	Key, Lang, Value string
	FilesText        string // what the catalogue's files say, used when Value is empty
	Max              int
}

// serviceTextFields are the form's fields, in order.
var serviceTextFields = []string{"name_ro", "name_en", "name_hu", "summary_ro", "summary_en", "summary_hu"}

func (wb *Web) adminService(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := wb.reloadCatalog(r.Context()); err != nil {
		return err
	}
	code := r.PathValue("code")
	o, _ := wb.app.Catalog.Override(code)
	form := map[string]string{"name_ro": o.Name.RO, "name_en": o.Name.EN, "name_hu": o.Name.HU,
		"summary_ro": o.Summary.RO, "summary_en": o.Summary.EN, "summary_hu": o.Summary.HU}
	return wb.renderService(w, r, rq, code, form, http.StatusOK)
}

func (wb *Web) renderService(w http.ResponseWriter, r *http.Request, rq *request, code string, form map[string]string, status int, errs ...FieldError) error {
	base, ok := wb.app.Catalog.Base().Service(code)
	cur, _ := wb.catalog().Service(code)
	if !ok || cur == nil {
		return errNotFound
	}
	d := serviceEditData{adminBase: wb.adminBase(r, rq), Code: code, Name: cur.Name.In(rq.Lang), Enabled: cur.Enabled}
	for _, lang := range []string{"ro", "en", "hu"} {
		d.Names = append(d.Names, textField{Key: "name_" + lang, Lang: lang, Value: form["name_"+lang],
			FilesText: textIn(base.Name, lang), Max: catalog.MaxNameLength})
		d.Summaries = append(d.Summaries, textField{Key: "summary_" + lang, Lang: lang, Value: form["summary_"+lang],
			FilesText: textIn(base.Summary, lang), Max: catalog.MaxSummaryLength})
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	return wb.render(w, r, rq, "admin_service", "admin.service.title", d, errs...)
}

// adminSaveService stores the texts an administrator gave a service; a field left
// empty keeps the text of the catalogue's files.
func (wb *Web) adminSaveService(w http.ResponseWriter, r *http.Request, rq *request) error {
	code := r.PathValue("code")
	if _, ok := wb.app.Catalog.Base().Service(code); !ok {
		return errNotFound
	}
	form := map[string]string{}
	for _, f := range serviceTextFields {
		form[f] = r.FormValue(f)
	}
	o := catalog.Override{Code: code, Name: catalog.Text{RO: form["name_ro"], EN: form["name_en"], HU: form["name_hu"]},
		Summary: catalog.Text{RO: form["summary_ro"], EN: form["summary_en"], HU: form["summary_hu"]}}
	if fes := o.Check(); len(fes) > 0 {
		var errs []FieldError
		for _, fe := range fes {
			errs = append(errs, FieldError{fe.Field, fe.Message(rq.Lang)})
		}
		return wb.renderService(w, r, rq, code, form, http.StatusUnprocessableEntity, errs...)
	}
	if err := catalog.SetTexts(r.Context(), wb.app.DB, code, o.Name, o.Summary, rq.User.ID, string(rq.User.Role)); err != nil {
		return err
	}
	if err := wb.reloadCatalog(r.Context()); err != nil {
		return err
	}
	return wb.redirect(w, r, "/admin/servicii", "admin.services.saved")
}

func (wb *Web) adminEnableService(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.setServiceEnabled(w, r, rq, true)
}

func (wb *Web) adminDisableService(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.setServiceEnabled(w, r, rq, false)
}

func (wb *Web) setServiceEnabled(w http.ResponseWriter, r *http.Request, rq *request, enabled bool) error {
	code := r.PathValue("code")
	if _, ok := wb.app.Catalog.Base().Service(code); !ok {
		return errNotFound
	}
	if err := catalog.SetEnabled(r.Context(), wb.app.DB, code, enabled, rq.User.ID, string(rq.User.Role)); err != nil {
		return err
	}
	if err := wb.reloadCatalog(r.Context()); err != nil {
		return err
	}
	key := "admin.services.disabled"
	if enabled {
		key = "admin.services.enabled"
	}
	return wb.redirect(w, r, "/admin/servicii", key)
}

// textIn is t's own text in lang, without falling back to Romanian.
func textIn(t catalog.Text, lang string) string {
	switch lang {
	case "en":
		return t.EN
	case "hu":
		return t.HU
	}
	return t.RO
}
