// Package api is the JSON API v1: thin handlers that parse, call a domain and render.
// Routes are declared in one list with the access each needs; a route not declared
// public requires a bearer token, and the domain scopes every read by who asks.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// API serves /api/v1 and /api/openapi.json.
type API struct {
	app *app.App
	log *slog.Logger
}

// New returns the API over a.
func New(a *app.App, log *slog.Logger) *API { return &API{app: a, log: log} }

// access says who may call a route. The domain checks the finer rules (own case,
// own department).
type access int

const (
	public  access = iota // anyone, no token
	user                  // any signed-in user
	citizen               // citizens (and clerks filing paper on someone's behalf, where the handler allows)
	staff                 // clerk, worker, head, admin
)

type handler func(w http.ResponseWriter, r *http.Request, u *identity.User) error

// Route is one declared route, exported so tests can try every route with every kind of caller.
type Route struct {
	Pattern string
	access  access
	h       handler
}

// Routes lists every route of the API.
func (a *API) Routes() []Route {
	return []Route{
		{"GET /api/openapi.json", public, a.openAPI},
		{"GET /api/v1/services", public, a.listServices},
		{"GET /api/v1/services/{code}", public, a.getService},
		{"POST /api/v1/requests", user, a.fileRequest},
		{"GET /api/v1/requests", citizen, a.listOwnRequests},
		{"GET /api/v1/requests/{id}", user, a.getRequest},
		{"GET /api/v1/requests/{id}/documents/{doc}", user, a.getDocument},
		{"POST /api/v1/requests/{id}/respond", citizen, a.respond},
		{"POST /api/v1/requests/{id}/withdraw", citizen, a.withdraw},
		{"GET /api/v1/cases", staff, a.listCases},
		{"POST /api/v1/cases/{id}/assign", staff, a.assign},
		{"POST /api/v1/cases/{id}/request-info", staff, a.requestInfo},
		{"POST /api/v1/cases/{id}/extend", staff, a.extend},
		{"POST /api/v1/cases/{id}/decide", staff, a.decide},
		{"POST /api/v1/cases/{id}/close", staff, a.close},
		{"GET /api/v1/registry/entries", staff, a.listEntries},
		{"POST /api/v1/registry/entries", staff, a.registerEntry},
		{"POST /api/v1/registry/entries/{id}/cancel", staff, a.cancelEntry},
	}
}

// Register adds every route to mux.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.Routes() {
		mux.Handle(rt.Pattern, a.wrap(rt))
	}
	mux.Handle("/api/", a.wrap(Route{"", public, func(w http.ResponseWriter, r *http.Request, _ *identity.User) error {
		return errNotFound
	}}))
}

type ctxKey struct{}

// UserFrom returns the authenticated user of a request, if any.
func UserFrom(ctx context.Context) *identity.User {
	u, _ := ctx.Value(ctxKey{}).(*identity.User)
	return u
}

func (a *API) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := a.authenticate(r)
		if err == nil {
			err = allowed(rt.access, u)
		}
		if err == nil {
			if u != nil {
				r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, u))
			}
			err = rt.h(w, r, u)
		}
		if err != nil {
			a.writeError(w, r, err)
		}
	})
}

func (a *API) authenticate(r *http.Request) (*identity.User, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return nil, errUnauthorized
	}
	u, err := identity.Authenticate(r.Context(), a.app.DB.Read(), strings.TrimSpace(token))
	if errors.Is(err, identity.ErrInvalidToken) {
		return nil, errUnauthorized
	}
	return u, err
}

func allowed(acc access, u *identity.User) error {
	switch acc {
	case public:
		return nil
	case user:
		if u == nil {
			return errUnauthorized
		}
	case citizen:
		if u == nil {
			return errUnauthorized
		}
		if u.Role != identity.Citizen {
			return errForbidden
		}
	case staff:
		if u == nil {
			return errUnauthorized
		}
		if !u.IsStaff() {
			return errForbidden
		}
	}
	return nil
}

// apiError is an error with a status and an i18n key ("error.<code>").
type apiError struct {
	status int
	code   string
	params map[string]any
}

func (e *apiError) Error() string { return e.code }

var (
	errUnauthorized    = &apiError{http.StatusUnauthorized, "unauthorized", nil}
	errForbidden       = &apiError{http.StatusForbidden, "forbidden", nil}
	errNotFound        = &apiError{http.StatusNotFound, "not_found", nil}
	errInvalidJSON     = &apiError{http.StatusBadRequest, "invalid_json", nil}
	errBadRequest      = &apiError{http.StatusBadRequest, "bad_request", nil}
	errTooLarge        = &apiError{http.StatusRequestEntityTooLarge, "payload_too_large", nil}
	errUnsupportedType = &apiError{http.StatusUnsupportedMediaType, "unsupported_media_type", nil}
)

// writeError is the one place that turns an error into a status and a translated body.
// Unknown errors are a 500 with a request id; the detail goes to the log only.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	var invalid *cases.InvalidInput
	if errors.As(err, &invalid) {
		type fieldError struct {
			Field   string `json:"field"`
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		out := make([]fieldError, len(invalid.Errors))
		for i, fe := range invalid.Errors {
			out[i] = fieldError{fe.Field, fe.Code, fe.Message(lang)}
		}
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": out})
		return
	}
	var exceeded *cases.ExtensionExceeded
	e := &apiError{}
	switch {
	case errors.As(err, &e):
	case errors.Is(err, store.ErrNotFound):
		e = errNotFound
	case errors.Is(err, cases.ErrNotAllowed):
		e = errForbidden
	case errors.Is(err, cases.ErrUnknownService):
		e = &apiError{http.StatusUnprocessableEntity, "unknown_service", nil}
	case errors.Is(err, cases.ErrServiceDisabled):
		e = &apiError{http.StatusUnprocessableEntity, "service_disabled", nil}
	case errors.Is(err, cases.ErrInvalidTransition):
		e = &apiError{http.StatusConflict, "invalid_transition", nil}
	case errors.Is(err, cases.ErrReasonRequired), errors.Is(err, registry.ErrReasonRequired):
		e = &apiError{http.StatusUnprocessableEntity, "reason_required", nil}
	case errors.Is(err, cases.ErrExtensionNotAllowed):
		e = &apiError{http.StatusUnprocessableEntity, "extension_not_allowed", nil}
	case errors.As(err, &exceeded):
		e = &apiError{http.StatusUnprocessableEntity, "extension_exceeded", map[string]any{"Max": exceeded.Max, "Count": exceeded.Max}}
	case errors.Is(err, cases.ErrInvalidAssignee), errors.Is(err, cases.ErrInvalidOutcome), errors.Is(err, cases.ErrBadCursor),
		errors.Is(err, registry.ErrReplyToOutgoing), errors.Is(err, registry.ErrUnknownRegister):
		e = &apiError{http.StatusUnprocessableEntity, "bad_request", nil}
	case errors.Is(err, registry.ErrAlreadyCancelled):
		e = &apiError{http.StatusConflict, "invalid_transition", nil}
	case errors.Is(err, store.ErrConflict):
		e = &apiError{http.StatusConflict, "conflict", nil}
	default:
		id := strconv.FormatInt(time.Now().UnixNano(), 36)
		a.log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		e = &apiError{http.StatusInternalServerError, "internal", map[string]any{"RequestID": id}}
	}
	writeJSON(w, e.status, map[string]any{"error": map[string]string{"code": e.code, "message": i18n.T(lang, "error."+e.code, e.params)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// readJSON decodes a JSON body of at most 1 MiB, refusing unknown fields.
func readJSON(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errUnsupportedType
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		return errInvalidJSON
	}
	return nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}
