package web

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/store"
)

// LifeEvents are the situations the portal lets people browse by, in display order.
var LifeEvents = []string{"documente-identitate", "nastere", "casatorie", "deces", "locuinta-constructie", "mutare",
	"vehicul", "taxe", "ajutor-social", "afacere", "cetatenie-participare"}

type serviceCard struct {
	Code, Name, Summary, Department string
	Term                            int
	Working                         bool
}

func (wb *Web) card(s *catalog.Service, lang string) serviceCard {
	c := serviceCard{Code: s.Code, Name: s.Name.In(lang), Summary: s.Summary.In(lang), Term: s.LegalTerm.Days, Working: s.LegalTerm.Working}
	if d, ok := wb.app.Catalog.Department(s.Department); ok {
		c.Department = d.Name.In(lang)
	}
	return c
}

type homeData struct {
	Popular     []serviceCard
	LifeEvents  []string
	Departments []option
}

type option struct{ Value, Label string }

// popular are the services most people come for, shown on the home page.
var popular = []string{"petitie", "certificat-fiscal", "certificat-urbanism", "sesizare-problema-urbana", "carte-identitate-programare", "informatii-publice"}

func (wb *Web) home(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := homeData{LifeEvents: LifeEvents, Departments: wb.departments(rq.Lang)}
	for _, code := range popular {
		if s, ok := wb.app.Catalog.Service(code); ok && s.Enabled {
			d.Popular = append(d.Popular, wb.card(s, rq.Lang))
		}
	}
	return wb.render(w, r, rq, "home", "web.home.title", d)
}

func (wb *Web) departments(lang string) []option {
	var out []option
	for _, d := range wb.app.Catalog.Departments() {
		for _, s := range wb.app.Catalog.Services() {
			if s.Department == d.Code && s.Enabled {
				out = append(out, option{d.Code, d.Name.In(lang)})
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

type searchData struct {
	Query   string
	Results []serviceCard
}

func (wb *Web) search(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 200 {
		q = q[:200]
	}
	d := searchData{Query: q}
	if q != "" {
		for _, m := range wb.app.Finder().Find(q, rq.Lang, 10) {
			if m.Service.Enabled {
				d.Results = append(d.Results, wb.card(m.Service, rq.Lang))
			}
		}
	}
	return wb.render(w, r, rq, "search", "web.search.title", d)
}

type browseData struct {
	Event, Department, Heading string
	Services                   []serviceCard
	LifeEvents                 []string
	Departments                []option
}

func (wb *Web) browse(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	d := browseData{Event: q.Get("eveniment"), Department: q.Get("departament"), LifeEvents: LifeEvents, Departments: wb.departments(rq.Lang)}
	for _, s := range wb.app.Catalog.Services() {
		if !s.Enabled || (d.Department != "" && s.Department != d.Department) || (d.Event != "" && !contains(s.LifeEvents, d.Event)) {
			continue
		}
		d.Services = append(d.Services, wb.card(s, rq.Lang))
	}
	sort.Slice(d.Services, func(i, j int) bool { return d.Services[i].Name < d.Services[j].Name })
	return wb.render(w, r, rq, "browse", "web.browse.title", d)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type serviceData struct {
	S          *catalog.Service
	Department string
	Documents  []string
	Fields     []*catalog.Field
}

func (wb *Web) service(w http.ResponseWriter, r *http.Request, rq *request) error {
	s, ok := wb.app.Catalog.Service(r.PathValue("code"))
	if !ok || !s.Enabled {
		return errNotFound
	}
	d := serviceData{S: s, Fields: s.Fields}
	if dep, ok := wb.app.Catalog.Department(s.Department); ok {
		d.Department = dep.Name.In(rq.Lang)
	}
	for _, doc := range s.Documents {
		d.Documents = append(d.Documents, doc.In(rq.Lang))
	}
	return wb.render(w, r, rq, "service", "web.service.title", d)
}

func (wb *Web) accessibility(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.render(w, r, rq, "accessibility", "web.accessibility.title", nil)
}

type lookupData struct {
	Number, Date, Surname string
	Case                  *cases.Case
	Service               string
	Events                []cases.Event
}

func (wb *Web) lookupForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.render(w, r, rq, "lookup", "web.lookup.title", &lookupData{})
}

var errTooMany = errors.New("too many requests")

// lookup shows a request's status to whoever knows its number, date and the
// applicant's surname; it is limited per client address against guessing.
func (wb *Web) lookup(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := &lookupData{Number: strings.TrimSpace(r.FormValue("number")), Date: strings.TrimSpace(r.FormValue("date")), Surname: strings.TrimSpace(r.FormValue("surname"))}
	var errs []FieldError
	if d.Number == "" {
		errs = append(errs, FieldError{"number", rq.t("web.lookup.number_required")})
	}
	day, err := calendar.ParseDate(d.Date)
	if err != nil {
		if day, err = parseRomanianDate(d.Date); err != nil {
			errs = append(errs, FieldError{"date", rq.t("field.invalid_date")})
		}
	}
	if d.Surname == "" {
		errs = append(errs, FieldError{"surname", rq.t("web.lookup.surname_required")})
	}
	if len(errs) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return wb.render(w, r, rq, "lookup", "web.lookup.title", d, errs...)
	}
	if !wb.limits.allow(clientIP(r)) {
		return errTooMany
	}
	c, err := wb.app.Cases.Lookup(r.Context(), d.Number, day, d.Surname)
	if errors.Is(err, store.ErrNotFound) {
		w.WriteHeader(http.StatusNotFound)
		return wb.render(w, r, rq, "lookup", "web.lookup.title", d, FieldError{"number", rq.t("web.lookup.not_found")})
	}
	if err != nil {
		return err
	}
	d.Case = c
	if s, ok := wb.app.Catalog.Service(c.Service); ok {
		d.Service = s.Name.In(rq.Lang)
	}
	if d.Events, err = cases.Timeline(r.Context(), wb.app.DB.Read(), c.ID); err != nil {
		return err
	}
	return wb.render(w, r, rq, "lookup", "web.lookup.title", d)
}
