package notify

import (
	"crypto/tls"
	"time"
)

// SetClock replaces the deliverer's clock, so tests can step past the waits
// between attempts.
func (d *Deliverer) SetClock(now func() time.Time) { d.now = now }

// SetTLSConfig makes the mailer trust a test server's certificate.
func (m *SMTPMailer) SetTLSConfig(c *tls.Config) { m.tls = c }
