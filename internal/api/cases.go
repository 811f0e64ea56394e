package api

import (
	"net/http"
	"strconv"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func (a *API) listCases(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	q := r.URL.Query()
	f := cases.QueueFilter{Department: q.Get("department"), Status: cases.Status(q.Get("status")),
		Cursor: q.Get("cursor"), Limit: atoi(q.Get("limit"))}
	switch q.Get("overdue") {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		return errBadRequest
	}
	switch f.Status {
	case "", cases.Registered, cases.Assigned, cases.InProgress, cases.InfoRequested, cases.Decided, cases.Closed, cases.Withdrawn:
	default:
		return errBadRequest
	}
	p, err := a.app.Cases.Queue(r.Context(), u, f)
	if err != nil {
		return err
	}
	out := a.page(p)
	out["cases"] = out["requests"]
	delete(out, "requests")
	return writeJSON(w, http.StatusOK, out)
}

// caseAction decodes a body into v and runs do with the case id.
func (a *API) caseAction(w http.ResponseWriter, r *http.Request, v any, do func(id int64) (*cases.Case, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := readJSON(r, v); err != nil {
		return err
	}
	c, err := do(id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.summary(c))
}

func (a *API) assign(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	var body struct {
		AssigneeID int64  `json:"assignee_id"`
		Reason     string `json:"reason"`
	}
	return a.caseAction(w, r, &body, func(id int64) (*cases.Case, error) {
		return a.app.Cases.Assign(r.Context(), u, id, body.AssigneeID, body.Reason)
	})
}

func (a *API) requestInfo(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	var body struct {
		Reason string `json:"reason"`
	}
	return a.caseAction(w, r, &body, func(id int64) (*cases.Case, error) {
		return a.app.Cases.RequestInfo(r.Context(), u, id, body.Reason)
	})
}

func (a *API) extend(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	var body struct {
		Days   int    `json:"days"`
		Reason string `json:"reason"`
	}
	return a.caseAction(w, r, &body, func(id int64) (*cases.Case, error) {
		return a.app.Cases.Extend(r.Context(), u, id, body.Days, body.Reason)
	})
}

func (a *API) decide(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	var body struct {
		Outcome string `json:"outcome"`
		Reason  string `json:"reason"`
	}
	return a.caseAction(w, r, &body, func(id int64) (*cases.Case, error) {
		return a.app.Cases.Decide(r.Context(), u, id, cases.Outcome(body.Outcome), body.Reason)
	})
}

func (a *API) close(w http.ResponseWriter, r *http.Request, u *identity.User) error {
	var body struct {
		Reason string `json:"reason"`
	}
	return a.caseAction(w, r, &body, func(id int64) (*cases.Case, error) {
		return a.app.Cases.Close(r.Context(), u, id, body.Reason)
	})
}
