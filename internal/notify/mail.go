package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Mailer sends one e-mail. Send returns nil only when the server accepted the
// message; an error wrapping ErrPermanent means trying again cannot help.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// ErrPermanent marks a refusal that retrying cannot change: the server
// refused the recipient or the message for good (a 5xx reply), or the
// address cannot be written in an e-mail.
var ErrPermanent = errors.New("refused for good")

// SMTPConfig says how to reach the mail server (a relay or submission
// server; Cetate does not deliver to recipients' servers itself).
type SMTPConfig struct {
	Addr     string // host:port, e.g. smtp.primaria.ro:587
	From     string // sender, "noreply@primaria.ro" or "Primăria X <noreply@primaria.ro>"
	Username string // AUTH PLAIN when set
	Password string
	// StartTLS upgrades the connection when the server offers it. Asked for
	// and not offered, the mailer refuses to talk to any server other than
	// this machine's (a relay on localhost often offers no TLS).
	StartTLS bool
}

// SMTPConfigFromEnv reads CETATE_SMTP_ADDR, CETATE_SMTP_FROM,
// CETATE_SMTP_USER, CETATE_SMTP_PASSWORD and CETATE_SMTP_STARTTLS (true
// unless set to false, 0, no or off). An empty Addr means e-mail is off;
// with an Addr, From must be a valid address.
func SMTPConfigFromEnv() (SMTPConfig, error) {
	cfg := SMTPConfig{
		Addr:     strings.TrimSpace(os.Getenv("CETATE_SMTP_ADDR")),
		From:     strings.TrimSpace(os.Getenv("CETATE_SMTP_FROM")),
		Username: os.Getenv("CETATE_SMTP_USER"),
		Password: os.Getenv("CETATE_SMTP_PASSWORD"),
		StartTLS: true,
	}
	if v, ok := os.LookupEnv("CETATE_SMTP_STARTTLS"); ok && strings.TrimSpace(v) != "" {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "false", "0", "no", "off":
			cfg.StartTLS = false
		case "true", "1", "yes", "on":
		default:
			return cfg, fmt.Errorf("CETATE_SMTP_STARTTLS=%q: want true or false", v)
		}
	}
	if cfg.Addr == "" {
		return cfg, nil
	}
	return cfg, cfg.Validate()
}

// Validate reports what makes the configuration unusable.
func (c SMTPConfig) Validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || host == "" || port == "" {
		return fmt.Errorf("SMTP address %q: want host:port", c.Addr)
	}
	if _, err := parseFrom(c.From); err != nil {
		return err
	}
	return nil
}

func parseFrom(from string) (*mail.Address, error) {
	if from == "" {
		return nil, errors.New("SMTP sender (CETATE_SMTP_FROM) is not set")
	}
	a, err := mail.ParseAddress(from)
	if err != nil || hasControl(a.Name) || hasControl(a.Address) {
		return nil, fmt.Errorf("SMTP sender %q is not an e-mail address", from)
	}
	return a, nil
}

// SMTPMailer sends through an SMTP server with net/smtp, one connection per
// message. It is safe for concurrent use.
type SMTPMailer struct {
	cfg     SMTPConfig
	host    string
	from    *mail.Address
	hello   string
	tls     *tls.Config // nil: the system's roots, ServerName host
	timeout time.Duration
}

// sendTimeout bounds one message's whole conversation with the server; the
// deliverer's claim on a message outlasts it (see claimLease).
const sendTimeout = 2 * time.Minute

// NewSMTPMailer checks cfg and returns a mailer for it.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(cfg.Addr)
	from, _ := parseFrom(cfg.From)
	return &SMTPMailer{cfg: cfg, host: host, from: from, hello: helloName(), timeout: sendTimeout}, nil
}

// helloName is the name given in EHLO: this machine's, when it is one.
func helloName() string {
	name, err := os.Hostname()
	if err != nil || name == "" || strings.ContainsFunc(name, func(r rune) bool {
		return !(r == '.' || r == '-' || r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) {
		return "localhost"
	}
	return name
}

// Send writes one message to to and returns once the server has accepted it
// (its reply to the end of DATA). What fails after that, such as QUIT, is
// not an error: the message is on its way and must not be sent again.
func (m *SMTPMailer) Send(ctx context.Context, to, subject, body string) error {
	return m.SendFiles(ctx, to, subject, body, nil)
}

// SendFiles is Send with files attached (attach.go).
func (m *SMTPMailer) SendFiles(ctx context.Context, to, subject, body string, files []Attachment) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil || rcpt.Address != strings.TrimSpace(to) || hasControl(rcpt.Address) {
		return fmt.Errorf("%w: %q is not an e-mail address", ErrPermanent, to)
	}
	msg, err := composeWithFiles(m.from, rcpt.Address, subject, body, time.Now(), m.messageID(), files)
	if err != nil {
		return err
	}

	dialer := net.Dialer{Timeout: 30 * time.Second}
	conn, err := dialer.DialContext(ctx, "tcp", m.cfg.Addr)
	if err != nil {
		return fmt.Errorf("smtp: connect: %w", err)
	}
	deadline := time.Now().Add(m.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn.SetDeadline(deadline)
	// A cancelled ctx ends whatever read or write is under way.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, m.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(m.hello); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if m.cfg.StartTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			cfg := m.tls
			if cfg == nil {
				cfg = &tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12}
			}
			if err := c.StartTLS(cfg); err != nil {
				return fmt.Errorf("smtp: STARTTLS: %w", err)
			}
		} else if !isLoopback(m.host) {
			return fmt.Errorf("smtp: %s does not offer STARTTLS, which the configuration asks for", m.host)
		}
	}
	if m.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("smtp: %s does not offer AUTH, and a user name is configured", m.host)
		}
		// PlainAuth itself refuses to send the password unencrypted to any
		// host but localhost.
		if err := c.Auth(smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, m.host)); err != nil {
			return fmt.Errorf("smtp: AUTH: %w", err)
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(rcpt.Address); err != nil {
		return refusal("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return refusal("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return refusal("DATA", err)
	}
	// Accepted. QUIT is a courtesy: its failure must not make the caller
	// send the message again.
	_ = c.Quit()
	return nil
}

// refusal wraps a server reply; a 5xx one is permanent.
func refusal(stage string, err error) error {
	var reply *textproto.Error
	if errors.As(err, &reply) && reply.Code >= 500 && reply.Code < 600 {
		return fmt.Errorf("smtp: %s: %w: %w", stage, ErrPermanent, err)
	}
	return fmt.Errorf("smtp: %s: %w", stage, err)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// messageID returns a fresh Message-ID in the sender's domain.
func (m *SMTPMailer) messageID() string {
	b := make([]byte, 16)
	rand.Read(b)
	domain := "cetate.invalid"
	if _, d, ok := strings.Cut(m.from.Address, "@"); ok && d != "" {
		domain = d
	}
	return "<" + strconv.FormatInt(time.Now().UnixMicro(), 36) + "." + hex.EncodeToString(b) + "@" + domain + ">"
}

// composeMessage writes an RFC 5322 message: UTF-8 plain text in
// quoted-printable, the subject RFC 2047-encoded when it is not plain ASCII.
// Nothing in subject or body can add a header: the subject becomes one line,
// and the body sits after the blank line in quoted-printable.
func composeMessage(from *mail.Address, to, subject, body string, date time.Time, messageID string) ([]byte, error) {
	if hasControl(to) {
		return nil, fmt.Errorf("%w: %q is not an e-mail address", ErrPermanent, to)
	}
	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(foldHeader(name, value)) }
	header("From", from.String())
	header("To", "<"+to+">")
	header("Subject", encodeHeader(oneLine(strings.ReplaceAll(subject, "\x00", ""))))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", messageID)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// RFC 3834: no vacation replies to an automatic message.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	// The quoted-printable writer ends each "\n" line with CRLF.
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// encodeHeader returns s as it may stand in a header: as it is when it is
// printable ASCII, else as RFC 2047 encoded words.
func encodeHeader(s string) string {
	return mime.QEncoding.Encode("utf-8", s)
}

// foldHeader writes "name: value" folded at spaces so that its lines keep
// within 76 characters, the limit RFC 2047 sets for lines with encoded
// words; a single longer word keeps its own line. Folding only adds CRLF
// before a space, which unfolding removes again.
func foldHeader(name, value string) string {
	const limit = 76
	var b strings.Builder
	b.WriteString(name + ":")
	line := len(name) + 1
	for _, word := range strings.Split(value, " ") {
		if line+1+len(word) > limit && line > 0 {
			b.WriteString("\r\n")
			line = 0
		}
		b.WriteString(" " + word)
		line += 1 + len(word)
	}
	b.WriteString("\r\n")
	return b.String()
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' })
}
