package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

type entryJSON struct {
	ID            int64  `json:"id"`
	Register      string `json:"register"`
	Year          int    `json:"year"`
	Seq           int64  `json:"seq"`
	Number        string `json:"number"`
	Direction     string `json:"direction"`
	RegisteredAt  string `json:"registered_at"`
	Department    string `json:"department"`
	Subject       string `json:"subject"`
	Correspondent string `json:"correspondent,omitempty"`
	Channel       string `json:"channel"`
	CaseID        int64  `json:"case_id,omitempty"`
	ReplyTo       int64  `json:"reply_to,omitempty"`
	Cancelled     bool   `json:"cancelled"`
	CancelReason  string `json:"cancel_reason,omitempty"`
}

func entryToJSON(e registry.Entry) entryJSON {
	return entryJSON{ID: e.ID, Register: e.Register, Year: e.Year, Seq: e.Seq, Number: e.Number, Direction: string(e.Direction),
		RegisteredAt: stamp(e.RegisteredAt), Department: e.Department, Subject: e.Subject, Correspondent: e.Correspondent,
		Channel: e.Channel, CaseID: e.CaseID, ReplyTo: e.ReplyTo, Cancelled: !e.CancelledAt.IsZero(), CancelReason: e.CancelReason}
}

// keepsRegistry reports whether u keeps the general registry for the whole institution.
func keepsRegistry(u *identity.User) bool {
	return u.Role == identity.Clerk || u.Role == identity.Admin
}

func (a *API) listEntries(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	q := r.URL.Query()
	f := registry.ListFilter{Register: q.Get("register"), Year: atoi(q.Get("year")), Limit: atoi(q.Get("limit"))}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Register == "" {
		f.Register = "general"
	}
	if f.Year == 0 {
		f.Year = time.Now().Year()
	}
	if c := q.Get("cursor"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || n <= 0 {
			return errBadRequest
		}
		f.BeforeID = n
	}
	if !keepsRegistry(u) {
		f.Department = u.Department // workers and heads see their department's entries
	}
	list, err := registry.List(r.Context(), a.app.DB.Read(), f)
	if err != nil {
		return err
	}
	if err := audit.Log(r.Context(), a.app.DB, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "registry.list",
		Entity: "registry", EntityID: f.Register, Detail: strconv.Itoa(f.Year)}); err != nil {
		return err
	}
	out := map[string]any{"entries": []entryJSON{}}
	items := make([]entryJSON, len(list))
	for i, e := range list {
		items[i] = entryToJSON(e)
	}
	out["entries"] = items
	if len(list) == f.Limit {
		out["next_cursor"] = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	return writeJSON(w, http.StatusOK, out)
}

// registerEntry registers a document that is not a service request: paper mail
// received at the counter, or an outgoing letter answering an entry.
func (a *API) registerEntry(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	if !keepsRegistry(u) {
		return errForbidden
	}
	var body struct {
		Register      string `json:"register"`
		Direction     string `json:"direction"`
		Department    string `json:"department"`
		Subject       string `json:"subject"`
		Correspondent string `json:"correspondent"`
		Channel       string `json:"channel"`
		ReplyTo       int64  `json:"reply_to"`
	}
	if err := readJSON(r, &body); err != nil {
		return err
	}
	if body.Register == "" {
		body.Register = "general"
	}
	dept, ok := a.app.Catalog.Department(body.Department)
	dir := registry.Direction(body.Direction)
	if !ok || (dir != registry.Incoming && dir != registry.Outgoing) || strings.TrimSpace(body.Subject) == "" ||
		len(body.Subject) > 500 || len(body.Correspondent) > 300 || (dir == registry.Outgoing && body.ReplyTo == 0) {
		return errBadRequest
	}
	switch body.Channel {
	case "":
		body.Channel = "counter"
	case "counter", "post", "email", "online":
	default:
		return errBadRequest
	}
	var e registry.Entry
	err := a.app.DB.Tx(r.Context(), func(tx *store.Tx) error {
		var err error
		e, err = a.app.Registry.Register(r.Context(), tx, registry.NewEntry{Register: body.Register, Direction: dir,
			Department: dept.Code, Compartment: dept.Compartment, Subject: strings.TrimSpace(body.Subject),
			Correspondent: strings.TrimSpace(body.Correspondent), Channel: body.Channel, ReplyTo: body.ReplyTo,
			CreatedBy: u.ID, CreatedByRole: string(u.Role)})
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, entryToJSON(e))
}

func (a *API) cancelEntry(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	if !keepsRegistry(u) {
		return errForbidden
	}
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
	if err := registry.Cancel(r.Context(), a.app.DB, id, body.Reason, u.ID, string(u.Role)); err != nil {
		return err
	}
	e, err := registry.Get(r.Context(), a.app.DB.Read(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, entryToJSON(e))
}
