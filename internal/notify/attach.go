package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/store"
)

// Attachment is a file sent with a message: the forwarding letter of a petition,
// sent to the institution it goes to.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// FileMailer is a Mailer that can also send files with a message.
type FileMailer interface {
	Mailer
	SendFiles(ctx context.Context, to, subject, body string, files []Attachment) error
}

// An outbox message carries its attachment by reference: params
// attachment_sha256 names a stored file (blobs, by its SHA-256; an issued
// document is one) and attachment_name the name it is sent under. The file is
// read when the message is sent, so the outbox stays small.

// send hands a rendered message to the mailer, with its attachment when it has
// one and the mailer can send files.
func (d *Deliverer) send(ctx context.Context, c *claimed, subject, body string) error {
	sum, _ := c.params["attachment_sha256"].(string)
	fm, ok := d.mailer.(FileMailer)
	if sum == "" || !ok {
		return d.mailer.Send(ctx, c.to, subject, body)
	}
	var ct string
	var data []byte
	err := d.db.Read().QueryRowContext(ctx, `SELECT content_type, data FROM blobs WHERE hash = $1`, sum).Scan(&ct, &data)
	if err != nil {
		return fmt.Errorf("attachment %s: %w", sum, store.Map(err))
	}
	name, _ := c.params["attachment_name"].(string)
	if name == "" {
		name = "document.pdf"
	}
	return fm.SendFiles(ctx, c.to, subject, body, []Attachment{{Name: name, ContentType: ct, Data: data}})
}

// composeWithFiles writes the message composeMessage writes, as the first part of
// a multipart/mixed message whose other parts are files, base64-encoded.
func composeWithFiles(from *mail.Address, to, subject, body string, date time.Time, messageID string, files []Attachment) ([]byte, error) {
	plain, err := composeMessage(from, to, subject, body, date, messageID)
	if err != nil || len(files) == 0 {
		return plain, err
	}
	head, text, ok := bytes.Cut(plain, []byte("\r\n\r\n"))
	if !ok {
		return nil, fmt.Errorf("compose: no header end")
	}
	var b bytes.Buffer
	// The plain message's headers, less its content type: the text becomes a part.
	for _, line := range bytes.Split(head, []byte("\r\n")) {
		if bytes.HasPrefix(line, []byte("Content-Type:")) || bytes.HasPrefix(line, []byte("Content-Transfer-Encoding:")) {
			continue
		}
		b.Write(line)
		b.WriteString("\r\n")
	}
	var parts bytes.Buffer
	mw := multipart.NewWriter(&parts)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"" + mw.Boundary() + "\"\r\n\r\n")
	w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
	if err != nil {
		return nil, err
	}
	w.Write(text)
	for _, f := range files {
		ct := f.ContentType
		if ct == "" || strings.ContainsAny(ct, "\r\n") {
			ct = "application/octet-stream"
		}
		name := strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
				return '_'
			}
			return r
		}, f.Name)
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ct}, "Content-Transfer-Encoding": {"base64"},
			"Content-Disposition": {mime.FormatMediaType("attachment", map[string]string{"filename": name})}})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(f.Data)
		for len(enc) > 76 {
			w.Write([]byte(enc[:76] + "\r\n"))
			enc = enc[76:]
		}
		w.Write([]byte(enc + "\r\n"))
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.Write(parts.Bytes())
	return b.Bytes(), nil
}
