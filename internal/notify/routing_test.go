package notify_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// routingKinds are the messages of routing (cases.Reroute, cases.Forward and the
// forwarding letter), with the params their senders give.
var routingKinds = map[string]map[string]any{
	"case.rerouted": {"number": "12/101/23.11.2026", "service": "certificat-fiscal", "service_name": "Certificat de atestare fiscală",
		"from_service_name": "Petiție", "department_name": "Direcția Taxe și Impozite Locale", "legal_deadline": "2026-11-30",
		"reason": "Textul cererii privește un certificat fiscal."},
	"case.forwarded": {"number": "12/101/23.11.2026", "service": "petitie", "legal_deadline": "2026-12-23",
		"institution": "Inspectoratul Teritorial de Muncă Cluj", "contact": "Str. Nicolae Titulescu nr. 6, itmcluj@itmcluj.ro",
		"handles": "relațiile de muncă", "reason": "Salariu neplătit.", "reply_number": "13/101/23.11.2026"},
	"case.forward_letter": {"lang": "ro", "number": "12/101/23.11.2026", "reply_number": "13/101/23.11.2026",
		"document_link": "https://portal.primaria.ro/verify/abc"},
}

func TestRenderRoutingMessages(t *testing.T) {
	for kind, params := range routingKinds {
		for _, lang := range i18n.Languages {
			subject, body, err := notify.Render(kind, params, lang)
			if err != nil {
				t.Fatalf("%s/%s: %v", kind, lang, err)
			}
			if !strings.Contains(subject, "12/101/23.11.2026") && !strings.Contains(subject, "13/101/23.11.2026") {
				t.Errorf("%s/%s subject lacks the number: %q", kind, lang, subject)
			}
			for _, p := range []string{"institution", "contact", "department_name", "from_service_name", "service_name", "document_link", "reply_number"} {
				if v, ok := params[p].(string); ok && !strings.Contains(body, v) {
					t.Errorf("%s/%s body lacks %s %q:\n%s", kind, lang, p, v, body)
				}
			}
		}
	}
	// Without the institution, a forwarding notice is not sent half-written.
	p := map[string]any{}
	for k, v := range routingKinds["case.forwarded"] {
		p[k] = v
	}
	delete(p, "institution")
	if _, _, err := notify.Render("case.forwarded", p, "ro"); err == nil {
		t.Fatal("a forwarding notice without the institution rendered")
	}
}

// The forwarding letter goes to the institution as a PDF attached to the e-mail;
// a message whose file is missing is not sent without it.
func TestDeliverWithAnAttachment(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pdf := []byte("%PDF-1.7\n" + strings.Repeat("scrisoare de transmitere ", 40) + "\n%%EOF\n")
		sum := sha256.Sum256(pdf)
		hash := hex.EncodeToString(sum[:])
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO blobs (hash, size, content_type, data, created_at) VALUES ($1, $2, 'application/pdf', $3, $4)`,
				hash, len(pdf), pdf, time.Now().UnixMicro())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		params := map[string]any{}
		for k, v := range routingKinds["case.forward_letter"] {
			params[k] = v
		}
		params["attachment_sha256"], params["attachment_name"] = hash, "transmitere-petitie-12.pdf"
		missing := map[string]any{}
		for k, v := range params {
			missing[k] = v
		}
		missing["attachment_sha256"] = strings.Repeat("0", 64)
		enqueue(t, db, notify.Message{Email: "itmcluj@itmcluj.ro", Kind: "case.forward_letter", Params: params},
			notify.Message{Email: "itmcluj@itmcluj.ro", Kind: "case.forward_letter", Params: missing})
		srv := startMailServer(t)
		runOnce(t, deliverer(t, db, srv, nil), 1)
		got := srv.Accepted()
		if len(got) != 1 || got[0].To[0] != "itmcluj@itmcluj.ro" {
			t.Fatalf("accepted: %+v", got)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		mediaType, mp, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if err != nil || mediaType != "multipart/mixed" {
			t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
		}
		_, wantBody, _ := notify.Render("case.forward_letter", params, "ro")
		r := multipart.NewReader(msg.Body, mp["boundary"])
		text, err := r.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(quotedprintable.NewReader(text))
		if strings.ReplaceAll(string(body), "\r\n", "\n") != wantBody {
			t.Fatalf("text part:\n%s\nwant\n%s", body, wantBody)
		}
		file, err := r.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(file)
		data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
		if err != nil || !bytes.Equal(data, pdf) || file.FileName() != "transmitere-petitie-12.pdf" || file.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("attachment %q %q: %d bytes, %v", file.FileName(), file.Header.Get("Content-Type"), len(data), err)
		}
		rows := outbox(t, db)
		if rows[0].SentAt == 0 || rows[1].SentAt != 0 || !strings.Contains(rows[1].LastError, "attachment") {
			t.Fatalf("outbox: %+v", rows)
		}
	})
}
