// Package calendar knows Romanian legal holidays (Codul muncii art. 139) and
// counts legal deadlines the way Romanian law does (zile libere, roll-forward
// to the next working day).
//
// Every date in and out of this package is a civil date: a time.Time at
// 00:00 UTC whose year, month and day are the date meant. Functions that take
// a date read its year, month and day in the value's own location (t.Date()),
// so a civil date is never shifted. To turn an instant (a registration
// timestamp, time.Now()) into the date it falls on in Romania, call Civil
// first.
package calendar

import (
	"fmt"
	"time"

	// Civil must work on hosts without a zoneinfo database (distroless
	// images, Windows), so the zone data is embedded in the binary.
	_ "time/tzdata"
)

const dateLayout = "2006-01-02"

// bucharest is the zone Romanian dates are counted in.
var bucharest = mustLoadLocation("Europe/Bucharest")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Unreachable: time/tzdata embeds every zone.
		panic("calendar: " + err.Error())
	}
	return loc
}

// Day returns the civil date y-m-d at 00:00 UTC. Out-of-range parts are
// normalised like time.Date does (Day(2025, 2, 30) is 2025-03-02).
func Day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Civil returns the date, in the Europe/Bucharest zone, on which the instant
// t falls, as a civil date at 00:00 UTC. 2025-11-28T22:30:00Z is 2025-11-29.
func Civil(t time.Time) time.Time {
	return Day(t.In(bucharest).Date())
}

// ParseDate parses a date written exactly as YYYY-MM-DD and returns it as a
// civil date. Anything else is an error: other separators, missing zero
// padding, signs, surrounding text and dates that do not exist (2025-02-30).
func ParseDate(s string) (time.Time, error) {
	// time.Parse alone accepts a signed year ("-001-01-01"), so the shape is
	// checked first.
	if !isDateShape(s) {
		return time.Time{}, fmt.Errorf("calendar: date %q is not in the form YYYY-MM-DD", s)
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("calendar: date %q does not exist", s)
	}
	return t, nil
}

// isDateShape reports whether s is four digits, '-', two digits, '-', two digits.
func isDateShape(s string) bool {
	if len(s) != len(dateLayout) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatDate formats the date d (its year, month and day in its own location)
// as YYYY-MM-DD, the form ParseDate reads back.
func FormatDate(d time.Time) string {
	return d.Format(dateLayout)
}

// dayNumber returns the number of days from 1970-01-01 to the date d.
// Deadline arithmetic runs on these integers: they have no zone and no
// daylight-saving gaps, and stepping a day is an increment.
func dayNumber(d time.Time) int {
	y, m, dd := d.Date()
	// Midnight UTC is an exact multiple of a day, so the division is exact
	// even before 1970.
	return int(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// fromDayNumber is the inverse of dayNumber.
func fromDayNumber(n int) time.Time {
	return time.Unix(int64(n)*secondsPerDay, 0).UTC()
}

const secondsPerDay = 24 * 60 * 60

// weekday returns the day of the week of day number n (1970-01-01 was a Thursday).
func weekday(n int) time.Weekday {
	return time.Weekday(((n+int(time.Thursday))%7 + 7) % 7)
}
