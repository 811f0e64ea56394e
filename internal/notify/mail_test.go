package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/cetate/cetate/internal/notify"
)

func newMailer(t *testing.T, cfg notify.SMTPConfig) *notify.SMTPMailer {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "Primăria Municipiului Cluj-Napoca <noreply@primaria.ro>"
	}
	m, err := notify.NewSMTPMailer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSMTPMailerSendsUTF8(t *testing.T) {
	srv := startMailServer(t)
	m := newMailer(t, notify.SMTPConfig{Addr: srv.Addr, StartTLS: true}) // localhost without TLS: allowed
	subject := "Cererea a fost înregistrată: ăâîșț ĂÂÎȘȚ"
	body := "Bună ziua,\n\nȘtim că ați așteptat.\n.\nO linie cu punct singur mai sus.\n"
	if err := m.Send(context.Background(), "ana@example.ro", subject, body); err != nil {
		t.Fatal(err)
	}
	got := srv.Accepted()
	if len(got) != 1 {
		t.Fatalf("%d messages accepted", len(got))
	}
	if got[0].From != "noreply@primaria.ro" || len(got[0].To) != 1 || got[0].To[0] != "ana@example.ro" {
		t.Errorf("envelope %q -> %q", got[0].From, got[0].To)
	}
	msg := decode(t, got[0].Data)
	if msg.Subject != subject {
		t.Errorf("subject %q, want %q", msg.Subject, subject)
	}
	if msg.Body != body {
		t.Errorf("body %q, want %q", msg.Body, body)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || from[0].Name != "Primăria Municipiului Cluj-Napoca" {
		t.Errorf("From %v %v", from, err)
	}
}

func TestSMTPMailerStartTLSAndAuth(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	srv := startMailServer(t, withTLS(serverTLS), withAuth("cetate", "parola"))
	m := newMailer(t, notify.SMTPConfig{Addr: srv.Addr, Username: "cetate", Password: "parola", StartTLS: true})
	m.SetTLSConfig(clientTLS)
	if err := m.Send(context.Background(), "ana@example.ro", "Test", "Corp"); err != nil {
		t.Fatal(err)
	}
	got := srv.Accepted()
	if len(got) != 1 || !got[0].TLS || !got[0].Authed {
		t.Fatalf("accepted %+v, want one message over TLS after AUTH", got)
	}

	t.Run("wrong password", func(t *testing.T) {
		m := newMailer(t, notify.SMTPConfig{Addr: srv.Addr, Username: "cetate", Password: "gresit", StartTLS: true})
		m.SetTLSConfig(clientTLS)
		if err := m.Send(context.Background(), "ana@example.ro", "Test", "Corp"); err == nil {
			t.Error("sent with a wrong password")
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		m := newMailer(t, notify.SMTPConfig{Addr: srv.Addr, Username: "cetate", Password: "parola", StartTLS: true})
		if err := m.Send(context.Background(), "ana@example.ro", "Test", "Corp"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("got %v, want a STARTTLS error", err)
		}
	})
	if n := len(srv.Accepted()); n != 1 {
		t.Errorf("%d messages accepted in all, want 1", n)
	}
}

func TestSMTPMailerAuthOnLocalhostWithoutTLS(t *testing.T) {
	srv := startMailServer(t, withAuth("cetate", "parola"))
	m := newMailer(t, notify.SMTPConfig{Addr: srv.Addr, Username: "cetate", Password: "parola"})
	if err := m.Send(context.Background(), "ana@example.ro", "Test", "Corp"); err != nil {
		t.Fatal(err)
	}
	if got := srv.Accepted(); len(got) != 1 || got[0].TLS || !got[0].Authed {
		t.Fatalf("accepted %+v", got)
	}
}

func TestSMTPMailerRefusals(t *testing.T) {
	srv := startMailServer(t,
		refuseRcpt(func(to string) error {
			if strings.HasPrefix(to, "nobody@") {
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
			}
			return nil
		}),
		refuseWith(func(n int) error {
			if n == 1 {
				return tryLater
			}
			return nil
		}))
	m := newMailer(t, notify.SMTPConfig{Addr: srv.Addr})
	ctx := context.Background()

	err := m.Send(ctx, "ana@example.ro", "S", "B")
	if err == nil || errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "451") {
		t.Errorf("451: got %v, want a temporary error", err)
	}
	if err := m.Send(ctx, "nobody@example.ro", "S", "B"); !errors.Is(err, notify.ErrPermanent) {
		t.Errorf("550: got %v, want ErrPermanent", err)
	}
	for _, to := range []string{"ana@example.ro\r\nRCPT TO:<evil@example.com>", "Ana <ana@example.ro>", "not-an-address", ""} {
		if err := m.Send(ctx, to, "S", "B"); !errors.Is(err, notify.ErrPermanent) {
			t.Errorf("to %q: got %v, want ErrPermanent", to, err)
		}
	}
	if err := m.Send(ctx, "ana@example.ro", "S\r\nBcc: evil@example.com", "B"); err != nil {
		t.Fatal(err)
	}
	got := srv.Accepted()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "ana@example.ro" {
		t.Fatalf("accepted %+v, want the last message to ana only", got)
	}
	if msg := decode(t, got[0].Data); len(msg.Header["Bcc"]) != 0 || msg.Subject != "S Bcc: evil@example.com" {
		t.Errorf("header injection: subject %q, Bcc %q", msg.Subject, msg.Header["Bcc"])
	}
}

func TestSMTPMailerAcceptedDespiteFailedQuit(t *testing.T) {
	srv := startMailServer(t, dropOnQuit())
	m := newMailer(t, notify.SMTPConfig{Addr: srv.Addr})
	if err := m.Send(context.Background(), "ana@example.ro", "S", "B"); err != nil {
		t.Fatalf("the server accepted the message, yet Send says %v", err)
	}
	if n := len(srv.Accepted()); n != 1 {
		t.Fatalf("%d accepted", n)
	}
}

func TestSMTPMailerHonoursContext(t *testing.T) {
	srv := startMailServer(t)
	m := newMailer(t, notify.SMTPConfig{Addr: srv.Addr})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Send(ctx, "ana@example.ro", "S", "B"); err == nil {
		t.Error("sent with a cancelled context")
	}
	if n := len(srv.Accepted()); n != 0 {
		t.Errorf("%d accepted", n)
	}
}
