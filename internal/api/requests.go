package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/clerk"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
)

type requestJSON struct {
	ID             int64             `json:"id"`
	Number         string            `json:"number"`
	Status         string            `json:"status"`
	RegisteredAt   string            `json:"registered_at"`
	LegalDeadline  string            `json:"legal_deadline"`
	Service        string            `json:"service,omitempty"`
	Department     string            `json:"department,omitempty"`
	Overdue        bool              `json:"overdue"`
	Outcome        string            `json:"outcome,omitempty"`
	DecisionReason string            `json:"decision_reason,omitempty"`
	ExtendedDays   int               `json:"extended_days"`
	ClockStopped   bool              `json:"clock_stopped"`
	ApplicantName  string            `json:"applicant_name,omitempty"`
	AssigneeID     int64             `json:"assignee_id,omitempty"`
	Fields         map[string]string `json:"fields,omitempty"`
	Timeline       []eventJSON       `json:"timeline,omitempty"`
	Files          []fileJSON        `json:"files,omitempty"`
	Documents      []issuedJSON      `json:"documents,omitempty"`
	Automation     []stepJSON        `json:"automation,omitempty"`
	Registry       []entryJSON       `json:"registry,omitempty"`
	Messages       []messageJSON     `json:"messages,omitempty"`
	Views          []viewJSON        `json:"views,omitempty"`
}

type eventJSON struct {
	At     string         `json:"at"`
	Kind   string         `json:"kind"`
	Actor  string         `json:"actor"`
	From   string         `json:"status_from,omitempty"`
	To     string         `json:"status_to,omitempty"`
	Reason string         `json:"reason,omitempty"`
	Data   map[string]any `json:"data,omitempty"`
}

// issuedJSON is an answer issued as a signed PDF.
type issuedJSON struct {
	Number    string `json:"number"`
	Kind      string `json:"kind"`
	IssuedAt  string `json:"issued_at"`
	URL       string `json:"url"`
	VerifyURL string `json:"verify_url"`
	Revoked   bool   `json:"revoked"`
}

// stepJSON is a step of the virtual civil servant, with why.
type stepJSON struct {
	At          string `json:"at"`
	Rule        string `json:"rule"`
	Version     int    `json:"version"`
	Outcome     string `json:"outcome"`
	Explanation string `json:"explanation"`
}

type fileJSON struct {
	Field       string `json:"field"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
}

type messageJSON struct {
	At     string         `json:"at"`
	Kind   string         `json:"kind"`
	Params map[string]any `json:"params,omitempty"`
}

type viewJSON struct {
	At         string `json:"at"`
	ActorRole  string `json:"actor_role"`
	ActorID    int64  `json:"actor_id"`
	Action     string `json:"action"`
	LegalBasis string `json:"legal_basis,omitempty"`
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (a *API) summary(c *cases.Case) requestJSON {
	return requestJSON{ID: c.ID, Number: c.Number, Status: string(c.Status), RegisteredAt: stamp(c.RegisteredAt),
		LegalDeadline: calendar.FormatDate(c.LegalDeadline), Service: c.Service, Department: c.Department,
		Overdue: c.Overdue(a.app.Cases.Today()), Outcome: string(c.Outcome), DecisionReason: c.DecisionReason,
		ExtendedDays: c.ExtendedDays, ClockStopped: !c.PausedOn.IsZero(), AssigneeID: c.AssigneeID}
}

// detail adds everything about a case: fields, timeline, files, registry entries,
// messages sent, and who read or changed it.
func (a *API) detail(r *http.Request, c *cases.Case) (requestJSON, error) {
	ctx, q := r.Context(), a.app.DB.Read()
	out := a.summary(c)
	out.ApplicantName, out.Fields = c.ApplicantName, c.Fields
	events, err := cases.Timeline(ctx, q, c.ID)
	if err != nil {
		return out, err
	}
	out.Timeline = []eventJSON{}
	for _, e := range events {
		out.Timeline = append(out.Timeline, eventJSON{At: stamp(e.At), Kind: e.Kind, Actor: e.ActorRole,
			From: string(e.StatusFrom), To: string(e.StatusTo), Reason: e.Reason, Data: e.Data})
	}
	files, err := cases.Files(ctx, q, c.ID)
	if err != nil {
		return out, err
	}
	out.Files = []fileJSON{}
	for _, f := range files {
		out.Files = append(out.Files, fileJSON{f.Field, f.Name, f.Size, f.ContentType, f.Hash})
	}
	issued, err := documents.ForCase(ctx, q, c.ID)
	if err != nil {
		return out, err
	}
	out.Documents = []issuedJSON{}
	for _, d := range issued {
		out.Documents = append(out.Documents, issuedJSON{Number: d.Number, Kind: d.Kind, IssuedAt: stamp(d.IssuedAt),
			URL: a.baseURL(r) + fmt.Sprintf("/api/v1/requests/%d/documents/%d", c.ID, d.ID), VerifyURL: a.baseURL(r) + "/verify/" + d.Code,
			Revoked: !d.RevokedAt.IsZero()})
	}
	steps, err := clerk.Steps(ctx, q, c.ID)
	if err != nil {
		return out, err
	}
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	out.Automation = []stepJSON{}
	for _, st := range steps {
		out.Automation = append(out.Automation, stepJSON{stamp(st.At), st.Rule, st.Version, st.Outcome, st.Explanation.In(lang)})
	}
	entries, err := registry.ForCase(ctx, q, c.ID)
	if err != nil {
		return out, err
	}
	out.Registry = []entryJSON{}
	for _, e := range entries {
		out.Registry = append(out.Registry, entryToJSON(e))
	}
	msgs, err := notify.ForCase(ctx, q, c.ID)
	if err != nil {
		return out, err
	}
	out.Messages = []messageJSON{}
	for _, m := range msgs {
		out.Messages = append(out.Messages, messageJSON{stamp(m.CreatedAt), m.Kind, m.Params})
	}
	views, err := audit.ForCase(ctx, q, c.ID)
	if err != nil {
		return out, err
	}
	out.Views = []viewJSON{}
	for _, v := range views {
		if v.ActorRole == "citizen" {
			continue
		}
		out.Views = append(out.Views, viewJSON{stamp(v.At), v.ActorRole, v.ActorID, v.Action, v.LegalBasis})
	}
	return out, nil
}

// maxFileBytes bounds one multipart body; each field's own limit is checked by the catalogue.
func (a *API) maxBodyBytes() int64 { return int64(a.app.Config.MaxUploadMB) << 20 }

// fileRequest files a request: JSON {"service", "fields"} or multipart/form-data with
// "service", one form value per field, and files under their field keys.
func (a *API) fileRequest(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	f := cases.Filing{}
	if u.Role == identity.Citizen {
		f.Applicant = u
	} else if u.Role == identity.Clerk || u.Role == identity.Admin {
		f.Clerk = u // paper received at the counter, registered on the applicant's behalf
	} else {
		return errForbidden
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(w, r.Body, a.maxBodyBytes())
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return errTooLarge
			}
			return errBadRequest
		}
		defer r.MultipartForm.RemoveAll()
		f.Service = r.FormValue("service")
		f.Channel = r.FormValue("channel")
		f.Fields = map[string]any{}
		for k, v := range r.MultipartForm.Value {
			if k != "service" && k != "channel" && len(v) > 0 {
				f.Fields[k] = v[0]
			}
		}
		for key, headers := range r.MultipartForm.File {
			for _, h := range headers {
				file, err := h.Open()
				if err != nil {
					return errBadRequest
				}
				data, err := io.ReadAll(file)
				file.Close()
				if err != nil {
					return errBadRequest
				}
				f.Files = append(f.Files, cases.File{Field: key, Name: h.Filename, Data: data})
			}
		}
	case "application/json", "":
		var body struct {
			Service string         `json:"service"`
			Fields  map[string]any `json:"fields"`
			Channel string         `json:"channel"`
		}
		if err := readJSON(r, &body); err != nil {
			return err
		}
		f.Service, f.Fields, f.Channel = body.Service, body.Fields, body.Channel
	default:
		return errUnsupportedType
	}
	if strings.TrimSpace(f.Service) == "" {
		return &apiError{http.StatusUnprocessableEntity, "unknown_service", nil}
	}
	if f.Fields == nil {
		f.Fields = map[string]any{}
	}
	c, err := a.app.Cases.File(r.Context(), f)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/requests/"+itoa(c.ID))
	s := a.summary(c)
	return writeJSON(w, http.StatusCreated, requestJSON{ID: s.ID, Number: s.Number, Status: s.Status,
		RegisteredAt: s.RegisteredAt, LegalDeadline: s.LegalDeadline, Service: s.Service, Department: s.Department})
}

func (a *API) getRequest(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.app.Cases.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	out, err := a.detail(r, c)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) listOwnRequests(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	p, err := a.app.Cases.ListOwn(r.Context(), u, r.URL.Query().Get("cursor"), atoi(r.URL.Query().Get("limit")))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.page(p))
}

func (a *API) page(p cases.Page) map[string]any {
	list := make([]requestJSON, len(p.Cases))
	for i, c := range p.Cases {
		list[i] = a.summary(c)
	}
	out := map[string]any{"requests": list}
	if p.Next != "" {
		out["next_cursor"] = p.Next
	}
	return out
}

func (a *API) respond(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body struct {
		Message string `json:"message"`
	}
	if err := readJSON(r, &body); err != nil {
		return err
	}
	c, err := a.app.Cases.Respond(r.Context(), u, id, body.Message, nil)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.summary(c))
}

func (a *API) withdraw(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := readJSON(r, &body); err != nil {
		return err
	}
	c, err := a.app.Cases.Withdraw(r.Context(), u, id, body.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.summary(c))
}

func (a *API) baseURL(r *http.Request) string {
	if a.app.Config.BaseURL != "" {
		return strings.TrimRight(a.app.Config.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// getDocument serves an issued PDF to whoever may see the case (the applicant, or
// staff of its department, whose read is audited by Cases.Get).
func (a *API) getDocument(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	docID, err := strconv.ParseInt(r.PathValue("doc"), 10, 64)
	if err != nil {
		return errNotFound
	}
	c, err := a.app.Cases.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	d, err := documents.OfCase(r.Context(), a.app.DB.Read(), c.ID, docID)
	if err != nil {
		return err
	}
	pdf, err := documents.PDF(r.Context(), a.app.DB.Read(), d)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="raspuns-%d.pdf"`, d.ID))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(pdf)
	return err
}
