package notify

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestComposeMessage(t *testing.T) {
	from := &mail.Address{Name: "Primăria Municipiului Cluj-Napoca", Address: "noreply@primaria.ro"}
	subject := "Cererea dumneavoastră a fost înregistrată: țară, șosea, ăâî ȘȚ " + strings.Repeat("ș", 40)
	body := "Bună ziua,\n\nRândul unu.\n.\nO linie foarte lungă " + strings.Repeat("ț", 100) + "\nFrom the start\n"
	date := time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)
	raw, err := composeMessage(from, "ana@example.ro", subject+"\r\nBcc: evil@example.com", body, date, "<1.abc@primaria.ro>")
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		if len(line) > 76 {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
	}
	for i, b := range raw {
		if b >= 0x80 {
			t.Fatalf("8-bit byte at %d: the message must be 7-bit", i)
		}
		if b == '\n' && (i == 0 || raw[i-1] != '\r') {
			t.Fatalf("bare LF at %d", i)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Header["Bcc"]) != 0 {
		t.Error("a Bcc header was injected")
	}
	dec := new(mime.WordDecoder)
	gotSubject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if want := subject + " Bcc: evil@example.com"; gotSubject != want {
		t.Errorf("subject %q, want %q", gotSubject, want)
	}
	gotFrom, err := msg.Header.AddressList("From")
	if err != nil || len(gotFrom) != 1 || gotFrom[0].Name != from.Name || gotFrom[0].Address != from.Address {
		t.Errorf("From %v %v", gotFrom, err)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(date) {
		t.Errorf("Date %v %v", d, err)
	}
	for k, want := range map[string]string{"To": "<ana@example.ro>", "Message-Id": "<1.abc@primaria.ro>", "Mime-Version": "1.0",
		"Content-Type": "text/plain; charset=utf-8", "Content-Transfer-Encoding": "quoted-printable", "Auto-Submitted": "auto-generated"} {
		if got := msg.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	decoded, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(decoded), "\r\n", "\n"); got != body {
		t.Errorf("body %q, want %q", got, body)
	}
}

func TestComposeRefusesABrokenAddress(t *testing.T) {
	_, err := composeMessage(&mail.Address{Address: "a@b.ro"}, "x@y.ro\r\nBcc: z@w.ro", "s", "b", time.Now(), "<1@b.ro>")
	if !errors.Is(err, ErrPermanent) {
		t.Errorf("got %v", err)
	}
}

func TestSMTPConfigFromEnv(t *testing.T) {
	t.Setenv("CETATE_SMTP_ADDR", "smtp.primaria.ro:587")
	t.Setenv("CETATE_SMTP_FROM", "Primăria <noreply@primaria.ro>")
	t.Setenv("CETATE_SMTP_USER", "cetate")
	t.Setenv("CETATE_SMTP_PASSWORD", "secret")
	t.Setenv("CETATE_SMTP_STARTTLS", "")
	cfg, err := SMTPConfigFromEnv()
	want := SMTPConfig{Addr: "smtp.primaria.ro:587", From: "Primăria <noreply@primaria.ro>", Username: "cetate", Password: "secret", StartTLS: true}
	if err != nil || cfg != want {
		t.Errorf("got %+v, %v", cfg, err)
	}
	t.Setenv("CETATE_SMTP_STARTTLS", "false")
	if cfg, err := SMTPConfigFromEnv(); err != nil || cfg.StartTLS {
		t.Errorf("STARTTLS=false: %+v, %v", cfg, err)
	}
	t.Setenv("CETATE_SMTP_STARTTLS", "perhaps")
	if _, err := SMTPConfigFromEnv(); err == nil {
		t.Error("STARTTLS=perhaps accepted")
	}
	t.Setenv("CETATE_SMTP_STARTTLS", "")
	t.Setenv("CETATE_SMTP_FROM", "not an address")
	if _, err := SMTPConfigFromEnv(); err == nil {
		t.Error("a bad sender accepted")
	}
	t.Setenv("CETATE_SMTP_ADDR", "smtp.primaria.ro")
	t.Setenv("CETATE_SMTP_FROM", "noreply@primaria.ro")
	if _, err := SMTPConfigFromEnv(); err == nil {
		t.Error("an address without a port accepted")
	}
	t.Setenv("CETATE_SMTP_ADDR", "")
	if cfg, err := SMTPConfigFromEnv(); err != nil || cfg.Addr != "" {
		t.Errorf("e-mail off: %+v, %v", cfg, err)
	}
}

func TestRetryDelay(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, 64 * time.Minute}
	for i, w := range want {
		if got := retryDelay(i + 1); got != w {
			t.Errorf("retryDelay(%d) = %v, want %v", i+1, got, w)
		}
	}
	if claimLease <= sendTimeout {
		t.Error("a claim must outlast a send")
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "127.0.0.2": true,
		"smtp.primaria.ro": false, "10.0.0.1": false, "localhost.evil.ro": false} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v", host, got)
		}
	}
}
