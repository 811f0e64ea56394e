package notify

import (
	"context"
	"strings"
)

// SMSSender sends a short text to a phone number. No SMS gateway is connected yet:
// a city plugs its provider in as Deliverer.SMS. The e-mail stays the record of a
// notice; a text only points the citizen to it.
type SMSSender interface {
	SendSMS(ctx context.Context, phone, text string) error
}

// smsKinds are the notices worth a text: something the citizen must act on, or an
// answer they are waiting for.
var smsKinds = map[string]bool{
	"case.info_requested": true,
	"case.decided":        true,
	"document.issued":     true,
	"case.forwarded":      true,
}

// maxSMS bounds a text to what fits in two concatenated SMS with diacritics (UCS-2).
const maxSMS = 134

// text sends the subject of a delivered e-mail as a text to params["phone"], when
// an SMSSender is set and the kind is worth it. A text that fails is logged, not
// retried: the e-mail, already accepted, carries the notice.
func (d *Deliverer) text(ctx context.Context, c *claimed, subject string) {
	phone, _ := c.params["phone"].(string)
	if d.SMS == nil || !smsKinds[c.kind] || strings.TrimSpace(phone) == "" {
		return
	}
	msg := []rune(subject)
	if len(msg) > maxSMS {
		msg = append(msg[:maxSMS-1], '…')
	}
	if err := d.SMS.SendSMS(ctx, phone, string(msg)); err != nil {
		d.log.Warn("notify: text not sent", "outbox_id", c.id, "kind", c.kind, "err", err)
	}
}
