package sources

// Meeting slots the officers offer for online meetings with applicants ("Tichetul
// albastru", Cluj-Napoca), and the bookings made from them. A slot is booked at
// most once, whatever the number of workers: the booking's UNIQUE slot_id decides,
// and a request that loses a slot to another takes the next free one.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/store"
)

// bucharest is the zone slot times are written in.
var bucharest = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Bucharest")
	if err != nil {
		panic("sources: " + err.Error()) // unreachable: the binary embeds time/tzdata
	}
	return loc
}()

// SlotTimeLayout is how a slot's start is written in the register, in Bucharest time.
const SlotTimeLayout = "2006-01-02 15:04"

var (
	slotIDShape     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	departmentShape = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

var meetingSlots = &register{
	table:   "source_meeting_slots",
	header:  []string{"slot_id", "department", "officer", "starts_at", "minutes", "channel", "link"},
	columns: []string{"slot_id", "department", "officer", "starts_at", "day", "minute", "minutes", "channel", "link"},
	parse: func(rec []string) ([]any, string, error) {
		if !slotIDShape.MatchString(rec[0]) {
			return nil, "", fmt.Errorf("slot_id %q: want letters, digits, dots, hyphens or underscores", rec[0])
		}
		if !departmentShape.MatchString(rec[1]) {
			return nil, "", fmt.Errorf("department %q: want a department code such as urbanism", rec[1])
		}
		if rec[2] == "" {
			return nil, "", errors.New("the officer is empty")
		}
		at, err := time.ParseInLocation(SlotTimeLayout, rec[3], bucharest)
		if err != nil {
			return nil, "", fmt.Errorf("starts_at %q: want Bucharest time such as 2026-12-01 10:00", rec[3])
		}
		minutes, err := strconv.Atoi(rec[4])
		if err != nil || minutes < 5 || minutes > 240 {
			return nil, "", fmt.Errorf("minutes %q: want 5 to 240", rec[4])
		}
		channel := strings.ToLower(rec[5])
		if channel != "video" && channel != "telefon" {
			return nil, "", fmt.Errorf("channel %q: want video or telefon", rec[5])
		}
		if channel == "video" || rec[6] != "" {
			u, err := url.Parse(rec[6])
			if err != nil || u.Scheme != "https" || u.Host == "" {
				return nil, "", fmt.Errorf("link %q: a video meeting needs its https:// address", rec[6])
			}
		}
		local := at.In(bucharest)
		return []any{rec[0], rec[1], rec[2], at.UnixMicro(), local.Format("2006-01-02"), local.Hour()*60 + local.Minute(),
			minutes, channel, rec[6]}, "slot " + rec[0], nil
	},
}

// MeetingRequest is what a booking looks for.
type MeetingRequest struct {
	CaseID     int64
	Department string
	// FromDay (YYYY-MM-DD, Bucharest) is the first acceptable day; no slot starting
	// before NotBefore is taken, so nothing is booked in the past.
	FromDay   string
	NotBefore time.Time
	// PeriodFrom and PeriodTo (minutes of the day, PeriodTo excluded) are the
	// preferred part of the day; when no slot is free in it, any time is taken.
	PeriodFrom, PeriodTo int
	// Phone: the applicant gave a phone number, so telephone slots may be taken.
	Phone bool
}

// Booking is a slot booked for a case.
type Booking struct {
	CaseID     int64
	SlotID     string
	Department string
	Officer    string
	StartsAt   time.Time
	Minutes    int
	Channel    string // video or telefon
	Link       string
}

// Local is the booking's start in Bucharest time.
func (b Booking) Local() time.Time { return b.StartsAt.In(bucharest) }

// ErrNoFreeSlot means the department has no free slot on or after the day asked.
var ErrNoFreeSlot = errors.New("no free meeting slot")

// BookMeeting books the earliest free slot that fits r, preferring r's period of
// the day. It is idempotent per case: a case already booked gets its booking back.
func BookMeeting(ctx context.Context, db *store.DB, r MeetingRequest) (Booking, error) {
	var out Booking
	err := db.Tx(ctx, func(tx *store.Tx) error {
		for round := 0; round < 10; round++ {
			b, err := BookingForCase(ctx, tx, r.CaseID)
			if err == nil {
				out = b
				return nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			candidates, err := freeSlots(ctx, tx, r, true)
			if err == nil && len(candidates) == 0 {
				candidates, err = freeSlots(ctx, tx, r, false)
			}
			if err != nil {
				return err
			}
			if len(candidates) == 0 {
				return ErrNoFreeSlot
			}
			for _, slot := range candidates {
				// Another worker may take the slot between the look and the insert: the
				// UNIQUE slot_id refuses the second, and the next candidate is tried.
				res, err := tx.ExecContext(ctx, `INSERT INTO meeting_bookings (slot_id, case_id, department, officer, starts_at, minutes, channel, link, booked_at)
					SELECT slot_id, $1, department, officer, starts_at, minutes, channel, link, $2 FROM source_meeting_slots WHERE slot_id = $3
					ON CONFLICT DO NOTHING`, r.CaseID, time.Now().UnixMicro(), slot)
				if err != nil {
					return store.Map(err)
				}
				if n, _ := res.RowsAffected(); n == 1 {
					out, err = BookingForCase(ctx, tx, r.CaseID)
					return err
				}
			}
		}
		// Every slot looked at went to others meanwhile: the job is tried again later.
		return errors.New("sources: the free meeting slots kept going to other requests; try again")
	})
	return out, err
}

// freeSlots lists a few free slots fitting r, earliest first; inPeriod keeps those
// in r's preferred period only (none are kept when r has no period).
func freeSlots(ctx context.Context, tx *store.Tx, r MeetingRequest, inPeriod bool) ([]string, error) {
	query := `SELECT s.slot_id FROM source_meeting_slots s WHERE s.department = $1 AND s.day >= $2 AND s.starts_at >= $3
		AND NOT EXISTS (SELECT 1 FROM meeting_bookings b WHERE b.slot_id = s.slot_id)`
	args := []any{r.Department, r.FromDay, r.NotBefore.UnixMicro()}
	if !r.Phone {
		query += ` AND s.channel = 'video'`
	}
	if inPeriod {
		if r.PeriodTo <= r.PeriodFrom {
			return nil, nil
		}
		query += ` AND s.minute >= $4 AND s.minute < $5`
		args = append(args, r.PeriodFrom, r.PeriodTo)
	}
	rows, err := tx.QueryContext(ctx, query+` ORDER BY s.starts_at, s.slot_id LIMIT 8`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// BookingForCase returns the booking of a case, or store.ErrNotFound.
func BookingForCase(ctx context.Context, q store.Querier, caseID int64) (Booking, error) {
	var b Booking
	var at int64
	err := q.QueryRowContext(ctx, `SELECT case_id, slot_id, department, officer, starts_at, minutes, channel, link FROM meeting_bookings WHERE case_id = $1`, caseID).
		Scan(&b.CaseID, &b.SlotID, &b.Department, &b.Officer, &at, &b.Minutes, &b.Channel, &b.Link)
	b.StartsAt = time.UnixMicro(at).UTC()
	return b, store.Map(err)
}

// CancelBooking frees the slot booked for a case, inside tx, and returns the
// booking it cancelled, or store.ErrNotFound.
func CancelBooking(ctx context.Context, tx *store.Tx, caseID int64) (Booking, error) {
	b, err := BookingForCase(ctx, tx, caseID)
	if err != nil {
		return b, err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM meeting_bookings WHERE case_id = $1`, caseID)
	return b, store.Map(err)
}
