package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded CSS, scripts and images at URLs that carry a
// checksum (style.3f2a9c1b.css), so browsers may cache them for ever.
type staticFiles struct {
	byURL  map[string]staticFile
	byName map[string]string
}

type staticFile struct {
	body []byte
	kind string
}

func loadStatic() (*staticFiles, error) {
	s := &staticFiles{byURL: map[string]staticFile{}, byName: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		s.byURL[hashed] = staticFile{body: body, kind: mime.TypeByExtension(ext)}
		s.byName[name] = "/static/" + hashed
		return nil
	})
	return s, err
}

func (s *staticFiles) url(name string) string { return s.byName[name] }

func (s *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := s.byURL[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.kind)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
}
