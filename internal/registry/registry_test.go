package registry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

var bucharest, _ = time.LoadLocation("Europe/Bucharest")

func register(t *testing.T, db *store.DB, r *registry.Registry, e registry.NewEntry) registry.Entry {
	t.Helper()
	var out registry.Entry
	err := db.Tx(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = r.Register(context.Background(), tx, e)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNumberFormats(t *testing.T) {
	at := time.Date(2021, 10, 20, 9, 30, 0, 0, bucharest)
	cluj := registry.New(registry.Institutions["cluj-napoca"])
	tm := registry.New(registry.Institutions["timisoara"])
	if got := cluj.Format(registry.Institutions["cluj-napoca"].Registers[0], 594184, "305", at); got != "594184/305/20.10.2021" {
		t.Errorf("Cluj: %s", got)
	}
	if got := tm.Format(registry.Institutions["timisoara"].Registers[0], 9879, "", at); got != "SC2021-9879/20.10.2021" {
		t.Errorf("Timișoara: %s", got)
	}
	// 23:30 UTC on 31 December is already 1 January in Bucharest.
	late := time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)
	if got := tm.Format(registry.Institutions["timisoara"].Registers[0], 1, "", late); got != "SC2026-1/01.01.2026" {
		t.Errorf("year boundary: %s", got)
	}
}

func TestRegisterCancelAndVerify(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := registry.New(registry.Institutions["timisoara"])
		in := register(t, db, r, registry.NewEntry{Register: "general", Direction: registry.Incoming, Department: "urbanism", Subject: "Cerere", Channel: "counter"})
		if in.Seq != 1 || !strings.HasPrefix(in.Number, "SC") {
			t.Fatalf("first entry: %+v", in)
		}
		out := register(t, db, r, registry.NewEntry{Register: "general", Direction: registry.Outgoing, Department: "urbanism", Subject: "Răspuns", ReplyTo: in.ID})
		if out.Seq != 2 || out.ReplyTo != in.ID {
			t.Fatalf("reply: %+v", out)
		}
		err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := r.Register(ctx, tx, registry.NewEntry{Register: "general", Direction: registry.Outgoing, Subject: "x", ReplyTo: out.ID})
			return err
		})
		if !errors.Is(err, registry.ErrReplyToOutgoing) {
			t.Fatalf("reply to an outgoing entry: %v", err)
		}
		err = db.Tx(ctx, func(tx *store.Tx) error {
			_, err := r.Register(ctx, tx, registry.NewEntry{Register: "nu-exista", Direction: registry.Incoming, Subject: "x"})
			return err
		})
		if !errors.Is(err, registry.ErrUnknownRegister) {
			t.Fatalf("unknown register: %v", err)
		}

		if err := registry.Cancel(ctx, db, in.ID, " ", 0, "clerk"); !errors.Is(err, registry.ErrReasonRequired) {
			t.Fatalf("cancel without reason: %v", err)
		}
		if err := registry.Cancel(ctx, db, in.ID, "Înregistrată de două ori.", 0, "clerk"); err != nil {
			t.Fatal(err)
		}
		if err := registry.Cancel(ctx, db, in.ID, "din nou", 0, "clerk"); !errors.Is(err, registry.ErrAlreadyCancelled) {
			t.Fatalf("second cancel: %v", err)
		}
		got, _ := registry.Get(ctx, db.Read(), in.ID)
		if got.Number != in.Number || got.CancelledAt.IsZero() || got.CancelReason == "" {
			t.Fatalf("cancelled entry lost its number or reason: %+v", got)
		}
		// A cancelled number is never reused.
		next := register(t, db, r, registry.NewEntry{Register: "general", Direction: registry.Incoming, Department: "urbanism", Subject: "Alta"})
		if next.Seq != 3 {
			t.Fatalf("after a cancellation the next number is %d, want 3", next.Seq)
		}
		if p, err := registry.Verify(ctx, db.Read()); err != nil || len(p) != 0 {
			t.Fatalf("clean registry: %v %v", p, err)
		}
		list, err := registry.List(ctx, db.Read(), registry.ListFilter{Register: "general", Year: next.Year, Limit: 2})
		if err != nil || len(list) != 2 || list[0].ID != next.ID {
			t.Fatalf("list newest first: %v %+v", err, list)
		}

		// Break the numbering the way only direct tampering can, and Verify names it.
		// The copy has no unique constraint on the numbers; other tables refer to
		// the entries by id (PostgreSQL: CASCADE drops those references only).
		cascade := ""
		if db.Dialect() == store.Postgres {
			cascade = " CASCADE"
		}
		for _, q := range []string{
			`DROP TABLE issued_documents`, // refers to the entries; not needed here
			`CREATE TABLE entries_copy AS SELECT * FROM registry_entries`,
			`DROP TABLE registry_entries` + cascade,
			`ALTER TABLE entries_copy RENAME TO registry_entries`,
			`CREATE UNIQUE INDEX registry_entries_id ON registry_entries (id)`,
			`DELETE FROM registry_entries WHERE seq = 2`,
			`CREATE TABLE entries_dup AS SELECT * FROM registry_entries WHERE seq = 3`,
			`UPDATE entries_dup SET id = id + 1000`,
			`INSERT INTO registry_entries SELECT * FROM entries_dup`,
		} {
			if _, err := db.Write().ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		p, err := registry.Verify(ctx, db.Read())
		if err != nil {
			t.Fatal(err)
		}
		text := ""
		for _, x := range p {
			text += x.String() + "\n"
		}
		if !strings.Contains(text, "register general, year") || !strings.Contains(text, "gap: numbers 2 to 2") || !strings.Contains(text, "number 3 is used twice") {
			t.Fatalf("verify did not name the gap and the duplicate:\n%s", text)
		}
	})
}
