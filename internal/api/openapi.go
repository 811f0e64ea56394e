package api

import (
	_ "embed"
	"net/http"

	"github.com/cetate/cetate/internal/identity"
)

// openAPIDoc describes every route in Routes; a test keeps the two in step.
//
//go:embed openapi.json
var openAPIDoc []byte

func (a *API) openAPI(w http.ResponseWriter, r *http.Request, _ *identity.User) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(openAPIDoc)
	return err
}
