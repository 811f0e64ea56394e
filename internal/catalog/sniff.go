package catalog

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
)

// ContentTypes are the file types Cetate recognises from a file's content,
// and so the only ones a file field may accept.
var ContentTypes = []string{
	"application/pdf",
	"image/jpeg",
	"image/png",
	"image/gif",
	"image/webp",
	"text/plain",
}

// contentTypeNames are the names citizens know the types by.
var contentTypeNames = map[string]string{
	"application/pdf": "PDF",
	"image/jpeg":      "JPEG",
	"image/png":       "PNG",
	"image/gif":       "GIF",
	"image/webp":      "WebP",
	"text/plain":      "TXT",
}

// sniffLen is how much of a file SniffContentType looks at.
const sniffLen = 1024

// SniffContentType returns the media type of a file from its first bytes
// (at least 512 are needed; more than 1024 are ignored), without parameters:
// "application/pdf", "image/png", "text/plain", or
// "application/octet-stream" when unknown. What the browser or client
// claimed is not asked: only the content decides.
func SniffContentType(head []byte) string {
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	// PDF readers accept "%PDF-" anywhere in the first 1024 bytes (some
	// scanners write a header before it); http.DetectContentType only
	// looks at offset 0.
	if bytes.Contains(head, []byte("%PDF-")) {
		return "application/pdf"
	}
	return mediaType(http.DetectContentType(head))
}

// mediaType returns ct without parameters, in lower case.
func mediaType(ct string) string {
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// allowedNames lists accepted types by their common names: "PDF, JPEG, PNG".
func allowedNames(accept []string) string {
	names := make([]string, 0, len(accept))
	for _, t := range accept {
		if n, ok := contentTypeNames[t]; ok {
			names = append(names, n)
		} else {
			names = append(names, t)
		}
	}
	return strings.Join(names, ", ")
}
