package notify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// mailServer is an SMTP server on 127.0.0.1 that records what it accepts.
// refuse, when set, may turn down a message at the end of DATA (n counts the
// DATA commands so far, from 1); refuseRcpt turns down recipients.
type mailServer struct {
	Addr string

	mu         sync.Mutex
	accepted   []received
	dataCalls  int
	refuse     func(n int) error
	refuseRcpt func(to string) error
	user, pass string
	tlsConfig  *tls.Config
	dropOnQuit bool // cut the connection when the client says QUIT
}

type received struct {
	From   string
	To     []string
	Data   []byte
	TLS    bool
	Authed bool
}

type serverOption func(*mailServer)

func refuseWith(f func(n int) error) serverOption { return func(s *mailServer) { s.refuse = f } }
func refuseRcpt(f func(to string) error) serverOption {
	return func(s *mailServer) { s.refuseRcpt = f }
}
func withAuth(user, pass string) serverOption {
	return func(s *mailServer) { s.user, s.pass = user, pass }
}
func withTLS(c *tls.Config) serverOption { return func(s *mailServer) { s.tlsConfig = c } }
func dropOnQuit() serverOption           { return func(s *mailServer) { s.dropOnQuit = true } }

func startMailServer(t *testing.T, opts ...serverOption) *mailServer {
	t.Helper()
	s := &mailServer{}
	for _, o := range opts {
		o(s)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = s.tlsConfig == nil
	srv.TLSConfig = s.tlsConfig
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = l.Addr().String()
	var ln net.Listener = l
	if s.dropOnQuit {
		ln = quitDropper{l}
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Accepted returns the messages the server accepted.
func (s *mailServer) Accepted() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.accepted...)
}

// DataCalls counts the messages offered, accepted or not.
func (s *mailServer) DataCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dataCalls
}

type session struct {
	srv    *mailServer
	conn   *smtp.Conn
	from   string
	to     []string
	authed bool
}

func (s *session) AuthMechanisms() []string {
	if s.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.srv.user || pass != s.srv.pass {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && !s.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := s.srv.refuseRcpt; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	s.srv.dataCalls++
	if f := s.srv.refuse; f != nil {
		if err := f(s.srv.dataCalls); err != nil {
			return err
		}
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.srv.accepted = append(s.srv.accepted, received{From: s.from, To: s.to, Data: data, TLS: isTLS, Authed: s.authed})
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// tryLater is the reply of a server that cannot take a message now.
var tryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}

// quitDropper cuts a connection, without a reply, when the client sends QUIT:
// the message was accepted, and the client's QUIT fails.
type quitDropper struct{ net.Listener }

func (l quitDropper) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &quitConn{Conn: c}, nil
}

type quitConn struct{ net.Conn }

func (c *quitConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if bytes.Contains(bytes.ToUpper(p[:n]), []byte("QUIT\r\n")) {
		c.Conn.Close()
		return 0, io.EOF
	}
	return n, err
}

// decoded is a received message as a mail client shows it.
type decoded struct {
	Header  mail.Header
	Subject string
	Body    string // line breaks as \n
}

// decode reads a received message the way a mail client does: RFC 2047 in
// the subject, quoted-printable in the body; it checks the MIME headers.
func decode(t *testing.T, raw []byte) decoded {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v\n%s", err, raw)
	}
	for k, want := range map[string]string{"Mime-Version": "1.0", "Content-Type": "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable"} {
		if got := msg.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	for _, k := range []string{"From", "To", "Date", "Message-Id"} {
		if msg.Header.Get(k) == "" {
			t.Errorf("no %s header", k)
		}
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Errorf("Subject: %v", err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Errorf("body: %v", err)
	}
	return decoded{Header: msg.Header, Subject: subject, Body: strings.ReplaceAll(string(body), "\r\n", "\n")}
}

// selfSigned returns a server TLS configuration for 127.0.0.1 and a client
// configuration that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}
