package catalog

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/store"
)

// Override is what an administrator changed in a service over its definition in the
// catalogue's files: whether it can be filed, and its name and summary. A zero part
// keeps the files' value: Enabled nil, or a language of a text left empty. The files
// stay the source of every other property (form, legal term, department).
type Override struct {
	Code      string
	Enabled   *bool
	Name      Text
	Summary   Text
	UpdatedAt time.Time
	UpdatedBy int64
}

// IsZero reports whether o changes nothing.
func (o Override) IsZero() bool {
	return o.Enabled == nil && o.Name.IsZero() && o.Summary.IsZero()
}

// Limits of the texts an administrator may set.
const (
	MaxNameLength    = 200
	MaxSummaryLength = 1000
)

// Check cleans o's texts (NFC, no control characters, trimmed) and returns an error
// for each that cannot be used; the fields are named name_ro, summary_en and so on.
func (o *Override) Check() []FieldError {
	var errs []FieldError
	check := func(field string, s *string, max int, multiline bool) {
		clean, fe := cleanText(*s, multiline)
		if fe == nil && utf8.RuneCountInString(clean) > max {
			fe = &FieldError{Code: CodeTooLong, Params: map[string]any{"Max": max, "Count": max}}
		}
		if fe != nil {
			fe.Field = field
			errs = append(errs, *fe)
			return
		}
		*s = clean
	}
	check("name_ro", &o.Name.RO, MaxNameLength, false)
	check("name_en", &o.Name.EN, MaxNameLength, false)
	check("name_hu", &o.Name.HU, MaxNameLength, false)
	check("summary_ro", &o.Summary.RO, MaxSummaryLength, true)
	check("summary_en", &o.Summary.EN, MaxSummaryLength, true)
	check("summary_hu", &o.Summary.HU, MaxSummaryLength, true)
	return errs
}

// over returns base with every language t has replaced by t's text.
func (t Text) over(base Text) Text {
	if t.RO != "" {
		base.RO = t.RO
	}
	if t.EN != "" {
		base.EN = t.EN
	}
	if t.HU != "" {
		base.HU = t.HU
	}
	return base
}

// WithOverrides returns a new catalogue: c with each override applied to a copy of
// its service. c is not changed (other goroutines may be reading it); services
// without an override, their forms and the departments are shared with c. Overrides
// of codes c does not have (a service since removed from the files) are ignored.
func (c *Catalog) WithOverrides(overrides []Override) *Catalog {
	byCode := make(map[string]Override, len(overrides))
	for _, o := range overrides {
		byCode[o.Code] = o
	}
	services := make([]*Service, len(c.services))
	for i, s := range c.services {
		if o, ok := byCode[s.Code]; ok && !o.IsZero() {
			cp := *s
			if o.Enabled != nil {
				cp.Enabled = *o.Enabled
			}
			cp.Name = o.Name.over(s.Name)
			cp.Summary = o.Summary.over(s.Summary)
			s = &cp
		}
		services[i] = s
	}
	out := newCatalog(c.departments, services)
	out.institutions = c.institutions
	return out
}

// Live is the catalogue in force: the catalogue loaded from the files with the
// administrators' overrides applied. Readers get an immutable *Catalog; Apply builds
// the next one and swaps it in atomically, so Live is safe for concurrent use and a
// reader never sees half a change. It answers the same questions as a Catalog
// (Service, Services, Department, Departments) about the current one.
//
// Why a holder and not changes to the loaded Catalog: a Catalog is shared, unlocked,
// by every request; changing it in place would race. Code that keeps a *Catalog of
// its own keeps the catalogue it was given; to see later changes it must ask a Live.
type Live struct {
	base *Catalog
	mu   sync.Mutex // serializes Apply
	cur  atomic.Pointer[liveState]
}

type liveState struct {
	cat       *Catalog
	overrides map[string]Override
}

// NewLive returns a Live over base with no overrides.
func NewLive(base *Catalog) *Live {
	l := &Live{base: base}
	l.cur.Store(&liveState{cat: base, overrides: map[string]Override{}})
	return l
}

// Base returns the catalogue as the files define it.
func (l *Live) Base() *Catalog { return l.base }

// Current returns the catalogue in force.
func (l *Live) Current() *Catalog { return l.cur.Load().cat }

// Override returns the override of a service, if it has one.
func (l *Live) Override(code string) (Override, bool) {
	o, ok := l.cur.Load().overrides[code]
	return o, ok
}

// Apply replaces every override by overrides and returns the catalogue now in force.
func (l *Live) Apply(overrides []Override) *Catalog {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := &liveState{cat: l.base.WithOverrides(overrides), overrides: make(map[string]Override, len(overrides))}
	for _, o := range overrides {
		st.overrides[o.Code] = o
	}
	l.cur.Store(st)
	return st.cat
}

// Service returns the service with the given code from the current catalogue.
func (l *Live) Service(code string) (*Service, bool) { return l.Current().Service(code) }

// Services returns every service of the current catalogue, sorted by code.
func (l *Live) Services() []*Service { return l.Current().Services() }

// Department returns the department with the given code.
func (l *Live) Department(code string) (*Department, bool) { return l.Current().Department(code) }

// Departments returns the departments in the order the files list them.
func (l *Live) Departments() []*Department { return l.Current().Departments() }

// LoadOverrides reads every stored override, by code.
func LoadOverrides(ctx context.Context, q store.Querier) ([]Override, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, enabled, name_ro, name_en, name_hu, summary_ro, summary_en, summary_hu,
		updated_at, COALESCE(updated_by, 0) FROM service_overrides ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var o Override
		var enabled sql.NullInt64
		var at int64
		if err := rows.Scan(&o.Code, &enabled, &o.Name.RO, &o.Name.EN, &o.Name.HU, &o.Summary.RO, &o.Summary.EN, &o.Summary.HU,
			&at, &o.UpdatedBy); err != nil {
			return nil, err
		}
		if enabled.Valid {
			on := enabled.Int64 != 0
			o.Enabled = &on
		}
		o.UpdatedAt = time.UnixMicro(at).UTC()
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetEnabled records that the service code can (or cannot) be filed, whatever its
// files say, keeping its other overrides, and writes the change to the audit log as
// done by actorID in role. The caller checks that the service exists.
func SetEnabled(ctx context.Context, db *store.DB, code string, enabled bool, actorID int64, role string) error {
	action := "service.disable"
	if enabled {
		action = "service.enable"
	}
	return db.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO service_overrides (code, enabled, updated_at, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (code) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			code, boolInt(enabled), time.Now().UTC().UnixMicro(), store.NullID(actorID))
		if err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: actorID, ActorRole: role, Action: action, Entity: "service", EntityID: code})
	})
}

// SetTexts records the name and summary an administrator gave the service code (an
// empty language keeps the files' text), keeping whether it is enabled, and writes
// the change to the audit log. Call Override.Check on the texts first.
func SetTexts(ctx context.Context, db *store.DB, code string, name, summary Text, actorID int64, role string) error {
	return db.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO service_overrides (code, name_ro, name_en, name_hu, summary_ro, summary_en, summary_hu, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (code) DO UPDATE SET name_ro = excluded.name_ro, name_en = excluded.name_en, name_hu = excluded.name_hu,
				summary_ro = excluded.summary_ro, summary_en = excluded.summary_en, summary_hu = excluded.summary_hu,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			code, name.RO, name.EN, name.HU, summary.RO, summary.EN, summary.HU, time.Now().UTC().UnixMicro(), store.NullID(actorID))
		if err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: actorID, ActorRole: role, Action: "service.texts", Entity: "service", EntityID: code,
			Detail: "name=" + name.RO + " | " + name.EN + " | " + name.HU})
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
