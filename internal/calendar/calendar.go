package calendar

import "time"

// Calendar answers working-day questions for one institution: its
// non-working days are Saturdays, Sundays, the legal holidays and its own
// closed days (bridge days set by HG for the public sector, local closures of
// the registry).
//
// A Calendar never changes after New, so one value is safe for concurrent use.
// The zero value and a nil *Calendar are calendars with no closed days.
// Legal holidays are known only for FirstYear..LastYear; outside them only
// weekends and closed days are non-working.
type Calendar struct {
	closed map[int]struct{} // day numbers; written only by New
}

// New returns a calendar whose non-working days are the weekends, the legal
// holidays and the given closed days (read as civil dates; duplicates and
// days that are already non-working are harmless).
func New(closedDays ...time.Time) *Calendar {
	c := &Calendar{closed: make(map[int]struct{}, len(closedDays))}
	for _, d := range closedDays {
		c.closed[dayNumber(d)] = struct{}{}
	}
	return c
}

// IsHoliday reports whether d is a legal holiday (Codul muncii art. 139). It
// ignores the calendar's closed days: use IsWorkingDay for "is it open".
func (c *Calendar) IsHoliday(d time.Time) bool {
	return isLegalHoliday(dayNumber(d))
}

// IsWorkingDay reports whether d is a working day: Monday to Friday, not a
// legal holiday and not one of the calendar's closed days.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	return c.working(dayNumber(d))
}

func (c *Calendar) working(n int) bool {
	if wd := weekday(n); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	if isLegalHoliday(n) {
		return false
	}
	if c != nil {
		if _, ok := c.closed[n]; ok {
			return false
		}
	}
	return true
}

// NextWorkingDay returns d itself if it is a working day, otherwise the first
// working day after it, as a civil date.
func (c *Calendar) NextWorkingDay(d time.Time) time.Time {
	return fromDayNumber(c.nextWorking(dayNumber(d)))
}

// nextWorking always ends: at most a few weeks of holidays, weekends and
// closed days (a finite set) can be in a row.
func (c *Calendar) nextWorking(n int) int {
	for !c.working(n) {
		n++
	}
	return n
}

// Term is a legal term of Days days: calendar days (zile, counted as "zile
// libere") unless Working says "zile lucrătoare" (working days).
type Term struct {
	Days    int  `yaml:"days" json:"days"`
	Working bool `yaml:"working" json:"working"`
}

// Deadline returns the last day on which an act can be done within term t
// counted from the date from (usually the registration date).
//
//   - Calendar days: as "zile libere" (CPC art. 181 alin. (1) pct. 2, Codul
//     civil art. 2553) neither from nor the day the term completes counts,
//     so the last day is from + Days + 1; if that is not a working day the
//     term extends to the next working day (CPC art. 181 alin. (2), Codul
//     civil art. 2554). Weekends and holidays inside the term still count
//     (ICCJ dec. 982/2008).
//   - Working days: the Days-th working day after from; from never counts.
//   - Days == 0 (negative Days are read as 0): from itself, even when it is
//     not a working day. A term of no days means "the same day"; a caller
//     that needs an open day calls NextWorkingDay.
//
// The cost is proportional to Days, so Days is meant to be a legal term
// (days to a few years), not an arbitrary number.
func (c *Calendar) Deadline(from time.Time, t Term) time.Time {
	n := dayNumber(from)
	switch {
	case t.Days <= 0:
		return fromDayNumber(n)
	case t.Working:
		for left := t.Days; left > 0; {
			n++
			if c.working(n) {
				left--
			}
		}
		return fromDayNumber(n)
	default:
		return fromDayNumber(c.nextWorking(n + t.Days + 1))
	}
}

// WorkingDaysBetween returns how many working days are in (from, to]: after
// from, up to and including to. It is 0 when to is not after from. For a
// working-day term, WorkingDaysBetween(from, c.Deadline(from, t)) == t.Days.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	count := 0
	for n, end := dayNumber(from)+1, dayNumber(to); n <= end; n++ {
		if c.working(n) {
			count++
		}
	}
	return count
}
