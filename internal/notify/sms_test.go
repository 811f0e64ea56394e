package notify_test

import (
	"context"
	"sync"
	"testing"

	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/testenv"
)

type texts struct {
	mu   sync.Mutex
	sent []string // phone: text
}

func (s *texts) SendSMS(_ context.Context, phone, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, phone+": "+text)
	return nil
}

// With an SMS gateway set, the notices a citizen waits for or must act on also go
// out as a short text, in the message's language, to the phone given in the
// request; other notices, and messages without a phone, are e-mail only.
func TestDeliverTextsTheNoticesWorthIt(t *testing.T) {
	db := testenv.Open(t, testenv.SQLite)
	srv := startMailServer(t)
	d := deliverer(t, db, srv, nil)
	sms := &texts{}
	d.SMS = sms
	enqueue(t, db,
		notify.Message{Email: "ion@example.ro", Kind: "document.issued", Params: map[string]any{"number": "12/101/23.11.2026",
			"service": "certificat-fiscal", "service_name": "Certificat de atestare fiscală", "link": "https://x/verify/abc", "phone": "0722123456", "lang": "hu"}},
		notify.Message{Email: "ion@example.ro", Kind: "document.issued", Params: map[string]any{"number": "13/101/23.11.2026",
			"service": "certificat-fiscal", "service_name": "Certificat de atestare fiscală", "link": "https://x/verify/abd"}},
		notify.Message{Email: "ion@example.ro", Kind: "account.verify", Params: map[string]any{"link": "https://x/confirm", "phone": "0722123456"}},
	)
	runOnce(t, d, 3)
	if len(sms.sent) != 1 {
		t.Fatalf("texts: %q, want one", sms.sent)
	}
	subject, _, err := notify.Render("document.issued", map[string]any{"number": "12/101/23.11.2026", "service": "certificat-fiscal",
		"service_name": "Certificat de atestare fiscală", "link": "https://x/verify/abc"}, "hu")
	if err != nil {
		t.Fatal(err)
	}
	if len([]rune(subject)) > 134 || sms.sent[0] != "0722123456: "+subject {
		t.Fatalf("text %q, want the Hungarian subject %q", sms.sent[0], subject)
	}
}
