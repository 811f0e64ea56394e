package api

import (
	"net/http"
	"strings"

	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/identity"
)

type departmentJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type termJSON struct {
	Days    int  `json:"days"`
	Working bool `json:"working"`
}

type serviceJSON struct {
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	Summary    string         `json:"summary"`
	Department departmentJSON `json:"department"`
	LegalBasis string         `json:"legal_basis"`
	LegalTerm  termJSON       `json:"legal_term"`
	TargetDays int            `json:"target_days"`
	Suspension bool           `json:"suspension"`
	Extension  int            `json:"extension_max_days"`
	Fee        float64        `json:"fee"`
	Automation string         `json:"automation"`
	Register   string         `json:"register"`
	Who        string         `json:"who,omitempty"`
	FeeNote    string         `json:"fee_note,omitempty"`
	Documents  []string       `json:"documents,omitempty"`
	Fields     []fieldJSON    `json:"fields,omitempty"`
	LifeEvents []string       `json:"life_events"`
}

type optionJSON struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

type fieldJSON struct {
	Key       string       `json:"key"`
	Type      string       `json:"type"`
	Required  bool         `json:"required"`
	Label     string       `json:"label"`
	Hint      string       `json:"hint,omitempty"`
	MaxLength int          `json:"max_length,omitempty"`
	Min       *float64     `json:"min,omitempty"`
	Max       *float64     `json:"max,omitempty"`
	Options   []optionJSON `json:"options,omitempty"`
	MaxSizeMB int          `json:"max_size_mb,omitempty"`
	Accept    []string     `json:"accept,omitempty"`
	MaxFiles  int          `json:"max_files,omitempty"`
}

func (a *API) serviceJSON(s *catalog.Service, lang string, full bool) serviceJSON {
	out := serviceJSON{Code: s.Code, Name: s.Name.In(lang), Summary: s.Summary.In(lang),
		Department: departmentJSON{Code: s.Department}, LegalBasis: s.LegalBasis,
		LegalTerm: termJSON{s.LegalTerm.Days, s.LegalTerm.Working}, TargetDays: s.TargetDays, Suspension: s.Suspension,
		Extension: s.Extension.MaxDays, Fee: s.Fee.Amount, Automation: string(s.Automation), Register: s.Register, LifeEvents: s.LifeEvents}
	if out.LifeEvents == nil {
		out.LifeEvents = []string{}
	}
	if d, ok := a.app.Catalog.Department(s.Department); ok {
		out.Department.Name = d.Name.In(lang)
	}
	if !full {
		return out
	}
	out.Who, out.FeeNote = s.Who.In(lang), s.Fee.Note.In(lang)
	out.Documents = []string{}
	for _, d := range s.Documents {
		out.Documents = append(out.Documents, d.In(lang))
	}
	out.Fields = []fieldJSON{}
	for _, f := range s.Fields {
		fj := fieldJSON{Key: f.Key, Type: string(f.Type), Required: f.Required, Label: f.Label.In(lang), Hint: f.Hint.In(lang),
			MaxLength: f.MaxLength, Min: f.Min, Max: f.Max, MaxSizeMB: f.MaxSizeMB, Accept: f.Accept, MaxFiles: f.MaxFiles}
		for _, o := range f.Options {
			fj.Options = append(fj.Options, optionJSON{o.Value, o.Label.In(lang)})
		}
		out.Fields = append(out.Fields, fj)
	}
	return out
}

// listServices lists the services that can be filed online, by code; with a
// question in q, only those the finder matches, best first (none when
// nothing matches). A blank q is no question.
func (a *API) listServices(w http.ResponseWriter, r *http.Request, _ *identity.User) error {
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	list := []serviceJSON{}
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		for _, m := range a.app.Finder().Find(q, lang, 0) {
			if m.Service.Enabled {
				list = append(list, a.serviceJSON(m.Service, lang, false))
			}
		}
		return writeJSON(w, http.StatusOK, map[string]any{"services": list})
	}
	for _, s := range a.app.Catalog.Services() {
		if s.Enabled {
			list = append(list, a.serviceJSON(s, lang, false))
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"services": list})
}

func (a *API) getService(w http.ResponseWriter, r *http.Request, _ *identity.User) error {
	s, ok := a.app.Catalog.Service(r.PathValue("code"))
	if !ok || !s.Enabled {
		return errNotFound
	}
	return writeJSON(w, http.StatusOK, a.serviceJSON(s, i18n.Match(r.Header.Get("Accept-Language")), true))
}
