package calendar_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/calendar"
)

func TestIsWorkingDay(t *testing.T) {
	c := calendar.New(calendar.Day(2025, time.December, 24))
	tests := []struct {
		date    string
		working bool
		holiday bool
	}{
		{"2025-12-23", true, false},  // Tuesday
		{"2025-12-24", false, false}, // closed day, not a legal holiday
		{"2025-12-25", false, true},  // Crăciun, Thursday
		{"2025-12-27", false, false}, // Saturday
		{"2025-12-28", false, false}, // Sunday
		{"2025-11-30", false, true},  // Sf. Andrei on a Sunday
		{"2026-06-01", false, true},  // two holidays at once
		{"2026-12-02", true, false},  // 2 December is not a holiday
		{"2026-12-31", true, false},  // neither is 31 December
		{"2101-01-03", true, false},  // Monday after LastYear: weekends only
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d := mustDate(t, tt.date)
			if got := c.IsWorkingDay(d); got != tt.working {
				t.Errorf("IsWorkingDay = %v, want %v", got, tt.working)
			}
			if got := c.IsHoliday(d); got != tt.holiday {
				t.Errorf("IsHoliday = %v, want %v", got, tt.holiday)
			}
		})
	}
}

func TestNextWorkingDay(t *testing.T) {
	c := calendar.New(calendar.Day(2025, time.December, 29), calendar.Day(2025, time.December, 30))
	tests := []struct{ in, want string }{
		{"2025-12-23", "2025-12-23"}, // already working
		{"2025-12-25", "2025-12-31"}, // Christmas, weekend, two closed days
		{"2026-04-12", "2026-04-14"}, // Easter Sunday and Monday
		{"2025-12-31", "2025-12-31"},
		{"2026-01-01", "2026-01-05"}, // 1–2 Jan, weekend; 6–7 Jan come after
		{"2026-01-06", "2026-01-08"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := calendar.FormatDate(c.NextWorkingDay(mustDate(t, tt.in))); got != tt.want {
				t.Errorf("NextWorkingDay(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	tests := []struct {
		name   string
		closed []string
		from   string
		term   calendar.Term
		want   string
	}{
		// ro-domain.md §4.2.
		{"petition 30 days, 28.12 Sunday, libere gives 29.12", nil, "2025-11-28", calendar.Term{Days: 30}, "2025-12-29"},
		{"Legea 544 10 days", nil, "2025-12-01", calendar.Term{Days: 10}, "2025-12-12"},
		{"ends on Easter Monday, rolls to Tuesday", nil, "2026-03-13", calendar.Term{Days: 30}, "2026-04-14"},
		{"30 working days over Christmas and January", nil, "2025-12-01", calendar.Term{Days: 30, Working: true}, "2026-01-20"},
		{"forum example: 10.09 + 15 days", nil, "2025-09-10", calendar.Term{Days: 15}, "2025-09-26"},
		// Closed days move deadlines.
		{"closed day on the last day rolls forward", []string{"2025-12-12"}, "2025-12-01", calendar.Term{Days: 10}, "2025-12-15"},
		{"closed days inside a calendar term do not matter", []string{"2025-12-05"}, "2025-12-01", calendar.Term{Days: 10}, "2025-12-12"},
		{"closed day inside a working term adds a day", []string{"2025-12-24"}, "2025-12-01", calendar.Term{Days: 30, Working: true}, "2026-01-21"},
		{"bridge days around New Year", []string{"2025-12-31", "2026-01-05"}, "2025-12-15", calendar.Term{Days: 15}, "2026-01-08"},
		// Small terms.
		{"1 day from Friday: Sunday, rolled to Monday", nil, "2025-11-28", calendar.Term{Days: 1}, "2025-12-02"},
		{"1 working day from Friday", nil, "2025-11-28", calendar.Term{Days: 1, Working: true}, "2025-12-02"},
		{"2 working days from a working day", nil, "2026-03-10", calendar.Term{Days: 2, Working: true}, "2026-03-12"},
		{"5 working days over Easter", nil, "2026-04-09", calendar.Term{Days: 5, Working: true}, "2026-04-20"},
		{"zero days is the same day", nil, "2026-03-10", calendar.Term{}, "2026-03-10"},
		{"zero days on a Sunday stays on Sunday", nil, "2026-03-15", calendar.Term{}, "2026-03-15"},
		{"zero working days is the same day", nil, "2026-04-12", calendar.Term{Working: true}, "2026-04-12"},
		{"negative days read as zero", nil, "2026-03-10", calendar.Term{Days: -3}, "2026-03-10"},
		// Crossing LastYear: only weekends count after it.
		{"past 2100", nil, "2100-12-20", calendar.Term{Days: 30}, "2101-01-20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var closed []time.Time
			for _, s := range tt.closed {
				closed = append(closed, mustDate(t, s))
			}
			c := calendar.New(closed...)
			got := c.Deadline(mustDate(t, tt.from), tt.term)
			if calendar.FormatDate(got) != tt.want || got.Location() != time.UTC || got.Hour() != 0 {
				t.Errorf("Deadline(%s, %+v) = %s, want %s", tt.from, tt.term, got, tt.want)
			}
		})
	}
}

// TestDeadlineReadsDateOfValue checks that a non-UTC value is read by its
// own date, not shifted, and that the result is always a civil date.
func TestDeadlineReadsDateOfValue(t *testing.T) {
	c := calendar.New()
	from := time.Date(2025, 11, 28, 23, 45, 0, 0, time.FixedZone("Tokyo", 9*3600))
	if got := c.Deadline(from, calendar.Term{Days: 30}); !got.Equal(calendar.Day(2025, 12, 29)) {
		t.Errorf("got %s", got)
	}
	if got := c.Deadline(from, calendar.Term{}); !got.Equal(calendar.Day(2025, 11, 28)) || got.Location() != time.UTC {
		t.Errorf("zero term: got %s", got)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := calendar.New(calendar.Day(2025, time.December, 24))
	tests := []struct {
		from, to string
		want     int
	}{
		{"2025-12-01", "2026-01-20", 29}, // 30 without the closed 24 December
		{"2025-12-01", "2025-12-01", 0},
		{"2025-12-02", "2025-12-01", 0},
		{"2025-12-01", "2025-12-02", 1},   // from excluded, to included
		{"2025-12-05", "2025-12-08", 1},   // Friday to Monday
		{"2025-12-24", "2025-12-28", 0},   // closed, Christmas, weekend
		{"2025-12-31", "2026-12-31", 250}, // 261 weekdays, 11 on holidays
	}
	for _, tt := range tests {
		t.Run(tt.from+"_"+tt.to, func(t *testing.T) {
			if got := c.WorkingDaysBetween(mustDate(t, tt.from), mustDate(t, tt.to)); got != tt.want {
				t.Errorf("WorkingDaysBetween = %d, want %d", got, tt.want)
			}
		})
	}
	if got := calendar.New().WorkingDaysBetween(mustDate(t, "2025-12-01"), mustDate(t, "2026-01-20")); got != 30 {
		t.Errorf("without closed days: %d, want 30", got)
	}
}

// TestNilAndZeroCalendar checks that a nil or zero Calendar works as one
// with no closed days.
func TestNilAndZeroCalendar(t *testing.T) {
	var nilCal *calendar.Calendar
	for name, c := range map[string]*calendar.Calendar{"nil": nilCal, "zero": {}, "New()": calendar.New()} {
		t.Run(name, func(t *testing.T) {
			if got := c.Deadline(calendar.Day(2026, 3, 13), calendar.Term{Days: 30}); !got.Equal(calendar.Day(2026, 4, 14)) {
				t.Errorf("Deadline = %s", got)
			}
			if c.IsWorkingDay(calendar.Day(2026, 4, 13)) || !c.IsHoliday(calendar.Day(2026, 4, 13)) {
				t.Error("Easter Monday 2026 is a working day")
			}
		})
	}
}

// TestDeadlineProperties checks the deadline invariants from every day of
// every supported year, for the terms the law uses most.
func TestDeadlineProperties(t *testing.T) {
	step := 1
	if testing.Short() {
		step = 5
	}
	c := calendar.New(calendar.Day(2025, 12, 24), calendar.Day(2030, 5, 2))
	for from := calendar.Day(calendar.FirstYear, 1, 1); from.Year() <= calendar.LastYear; from = from.AddDate(0, 0, step) {
		for _, days := range []int{1, 2, 3, 5, 10, 15, 20, 30, 45, 60} {
			for _, working := range []bool{false, true} {
				checkDeadline(t, c, from, calendar.Term{Days: days, Working: working})
			}
		}
	}
}

// checkDeadline checks the invariants of one deadline.
func checkDeadline(t *testing.T, c *calendar.Calendar, from time.Time, term calendar.Term) {
	t.Helper()
	got := c.Deadline(from, term)
	fail := func(why string) {
		t.Helper()
		t.Fatalf("Deadline(%s, %+v) = %s: %s", calendar.FormatDate(from), term, calendar.FormatDate(got), why)
	}
	if got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0 {
		fail("not a civil date")
	}
	if term.Days <= 0 {
		if !got.Equal(from) {
			fail("a zero term must end on from")
		}
		return
	}
	if !c.IsWorkingDay(got) {
		fail("not a working day")
	}
	if term.Working {
		if n := c.WorkingDaysBetween(from, got); n != term.Days {
			fail(fmt.Sprintf("%d working days in (from, deadline]", n))
		}
		return
	}
	earliest := from.AddDate(0, 0, term.Days+1)
	if got.Before(earliest) {
		fail("before from + Days + 1")
	}
	// Minimal: every day from the naive last day to the deadline is closed.
	for d := earliest; d.Before(got); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			fail(calendar.FormatDate(d) + " is a working day in between")
		}
	}
}

func FuzzDeadline(f *testing.F) {
	f.Add(2025, 331, 30, false, 0) // 2025-11-28
	f.Add(2025, 334, 30, true, 0)  // 2025-12-01
	f.Add(2026, 71, 30, false, 31) // 2026-03-13, a closed day
	f.Add(2100, 350, 400, true, 5)
	f.Add(1990, 0, 0, false, -1)
	f.Fuzz(func(t *testing.T, year, dayOfYear, days int, working bool, closedOffset int) {
		year = calendar.FirstYear + mod(year, calendar.LastYear-calendar.FirstYear+1)
		from := calendar.Day(year, 1, 1+mod(dayOfYear, 366))
		term := calendar.Term{Days: mod(days, 401), Working: working}
		// One closed day somewhere within the term, or none.
		var closed []time.Time
		if closedOffset >= 0 {
			closed = append(closed, from.AddDate(0, 0, mod(closedOffset, 500)))
		}
		checkDeadline(t, calendar.New(closed...), from, term)
	})
}

// mod is the non-negative remainder, so any fuzzed int maps into range.
func mod(a, n int) int {
	return (a%n + n) % n
}

// TestConcurrentUse shares one Calendar between goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	c := calendar.New(calendar.Day(2025, 12, 24))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				from := calendar.Day(2020+g, 1, 1+i)
				c.Deadline(from, calendar.Term{Days: 30, Working: i%2 == 0})
				calendar.Holidays(2020 + g)
			}
		})
	}
	wg.Wait()
}

func BenchmarkDeadline(b *testing.B) {
	c := calendar.New(calendar.Day(2025, 12, 24), calendar.Day(2026, 1, 5))
	from := calendar.Day(2025, 12, 1)
	for _, term := range []calendar.Term{{Days: 30}, {Days: 30, Working: true}, {Days: 365, Working: true}} {
		b.Run(fmt.Sprintf("days=%d/working=%v", term.Days, term.Working), func(b *testing.B) {
			for b.Loop() {
				c.Deadline(from, term)
			}
		})
	}
}

func ExampleCalendar_Deadline() {
	c := calendar.New()
	from := calendar.Day(2026, time.March, 13)
	// 30 zile libere: 12.04 + 1 is Easter Monday, so the term rolls to Tuesday.
	fmt.Println(calendar.FormatDate(c.Deadline(from, calendar.Term{Days: 30})))
	fmt.Println(calendar.FormatDate(c.Deadline(from, calendar.Term{Days: 10, Working: true})))
	// Output:
	// 2026-04-14
	// 2026-03-27
}
