package calendar_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/calendar"
)

// holidayOn returns the Holidays entry for date s (YYYY-MM-DD), if there is one.
func holidayOn(t *testing.T, s string) (calendar.Holiday, bool) {
	t.Helper()
	d := mustDate(t, s)
	for _, h := range calendar.Holidays(d.Year()) {
		if h.Date.Equal(d) {
			return h, true
		}
	}
	return calendar.Holiday{}, false
}

// TestEasterHolidays checks the movable holidays against ro-domain.md §4.1.
func TestEasterHolidays(t *testing.T) {
	tests := []struct {
		year                                         int
		goodFriday, easter, easterMon, rusalii, rMon string
	}{
		{2024, "2024-05-03", "2024-05-05", "2024-05-06", "2024-06-23", "2024-06-24"},
		{2025, "2025-04-18", "2025-04-20", "2025-04-21", "2025-06-08", "2025-06-09"},
		{2026, "2026-04-10", "2026-04-12", "2026-04-13", "2026-05-31", "2026-06-01"},
		{2027, "2027-04-30", "2027-05-02", "2027-05-03", "2027-06-20", "2027-06-21"},
		{2028, "2028-04-14", "2028-04-16", "2028-04-17", "2028-06-04", "2028-06-05"},
		{2029, "2029-04-06", "2029-04-08", "2029-04-09", "2029-05-27", "2029-05-28"},
		{2030, "2030-04-26", "2030-04-28", "2030-04-29", "2030-06-16", "2030-06-17"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			for _, want := range []struct{ date, name string }{
				{tt.goodFriday, "Vinerea Mare"},
				{tt.easter, "Prima zi de Paști"},
				{tt.easterMon, "A doua zi de Paști"},
				{tt.rusalii, "Prima zi de Rusalii"},
				{tt.rMon, "A doua zi de Rusalii"},
			} {
				h, ok := holidayOn(t, want.date)
				if !ok || !slices.Contains(h.Names, want.name) {
					t.Errorf("%s: got %v (found %v), want %q", want.date, h.Names, ok, want.name)
				}
			}
		})
	}
}

// TestWeekdayHolidays checks the holidays falling Monday to Friday against
// the lists in ro-domain.md §4.1.
func TestWeekdayHolidays(t *testing.T) {
	tests := []struct {
		year int
		want []string
	}{
		{2025, []string{"01-01", "01-02", "01-06", "01-07", "01-24", "04-18", "04-21", "05-01", "06-09", "08-15", "12-01", "12-25", "12-26"}},
		{2026, []string{"01-01", "01-02", "01-06", "01-07", "04-10", "04-13", "05-01", "06-01", "11-30", "12-01", "12-25"}},
		{2027, []string{"01-01", "01-06", "01-07", "04-30", "05-03", "06-01", "06-21", "11-30", "12-01"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			var got []string
			for _, h := range calendar.Holidays(tt.year) {
				if wd := h.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
					got = append(got, h.Date.Format("01-02"))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%d weekday holidays:\n got %v (%d)\nwant %v (%d)", tt.year, got, len(got), tt.want, len(tt.want))
			}
		})
	}
}

func TestHolidays2026(t *testing.T) {
	var june1 []calendar.Holiday
	for _, h := range calendar.Holidays(2026) {
		if h.Date.Equal(calendar.Day(2026, time.June, 1)) {
			june1 = append(june1, h)
		}
	}
	if len(june1) != 1 {
		t.Fatalf("2026-06-01 listed %d times, want once", len(june1))
	}
	if want := []string{"Ziua Copilului", "A doua zi de Rusalii"}; !slices.Equal(june1[0].Names, want) {
		t.Errorf("2026-06-01 names = %q, want %q", june1[0].Names, want)
	}
	if _, ok := holidayOn(t, "2026-01-07"); !ok {
		t.Error("2026-01-07 missing")
	}
	if got := len(calendar.Holidays(2026)); got != 16 {
		t.Errorf("2026 has %d holiday dates, want 16 (17 holidays, two on 1 June)", got)
	}
}

// TestHolidayHistory checks the first year of each holiday added since 1990.
func TestHolidayHistory(t *testing.T) {
	tests := []struct {
		name          string
		before, since string // last date without the holiday, first date with it
	}{
		{"Rusalii Monday, Legea 202/2008", "2008-06-16", "2009-06-08"},
		{"15 August, Legea 202/2008", "2008-08-15", "2009-08-15"},
		{"30 November, Legea 147/2012", "2011-11-30", "2012-11-30"},
		{"24 January, Legea 171/2016", "2016-01-24", "2017-01-24"},
		{"1 June, Legea 220/2016", "2016-06-01", "2017-06-01"},
		{"Good Friday, Legea 64/2018", "2017-04-14", "2018-04-06"},
		{"6 January, Legea 52/2023", "2023-01-06", "2024-01-06"},
		{"7 January, Legea 52/2023", "2023-01-07", "2024-01-07"},
	}
	c := calendar.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c.IsHoliday(mustDate(t, tt.before)) {
				t.Errorf("%s is a holiday, want not yet", tt.before)
			}
			if !c.IsHoliday(mustDate(t, tt.since)) {
				t.Errorf("%s is not a holiday", tt.since)
			}
		})
	}
}

func TestHolidaysRange(t *testing.T) {
	tests := []struct {
		year int
		want bool // whether a non-empty list is expected
	}{
		{calendar.FirstYear - 1, false},
		{calendar.FirstYear, true},
		{calendar.LastYear, true},
		{calendar.LastYear + 1, false},
		{0, false},
		{-5, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			got := calendar.Holidays(tt.year)
			if (got != nil) != tt.want {
				t.Errorf("Holidays(%d) = %v, want list: %v", tt.year, got, tt.want)
			}
		})
	}
	c := calendar.New()
	if c.IsHoliday(calendar.Day(1989, time.December, 25)) || c.IsHoliday(calendar.Day(2101, time.January, 1)) {
		t.Error("a day outside FirstYear..LastYear is a holiday")
	}
}

// TestHolidaysAreCopies checks that a caller changing its result cannot
// change the package's table.
func TestHolidaysAreCopies(t *testing.T) {
	h := calendar.Holidays(2026)
	h[0].Date = calendar.Day(2026, time.March, 3)
	h[0].Names[0] = "changed"
	again := calendar.Holidays(2026)
	if !again[0].Date.Equal(calendar.Day(2026, time.January, 1)) || again[0].Names[0] != "Anul Nou" || len(again) != 16 {
		t.Errorf("Holidays(2026) changed by a caller: %v", again[:2])
	}
}

// movableWeekday is the weekday each Easter-based holiday must fall on.
var movableWeekday = map[string]time.Weekday{
	"Vinerea Mare":         time.Friday,
	"Prima zi de Paști":    time.Sunday,
	"A doua zi de Paști":   time.Monday,
	"Prima zi de Rusalii":  time.Sunday,
	"A doua zi de Rusalii": time.Monday,
}

// TestHolidaysProperties checks every supported year.
func TestHolidaysProperties(t *testing.T) {
	c := calendar.New()
	for y := calendar.FirstYear; y <= calendar.LastYear; y++ {
		hs := calendar.Holidays(y)
		listed := map[time.Time]bool{}
		for i, h := range hs {
			if i > 0 && !hs[i-1].Date.Before(h.Date) {
				t.Errorf("%d: %s after %s: not sorted or not unique", y, calendar.FormatDate(h.Date), calendar.FormatDate(hs[i-1].Date))
			}
			if h.Date.Year() != y || h.Date.Location() != time.UTC || h.Date.Hour() != 0 {
				t.Errorf("%d: %s is not a civil date of the year", y, h.Date)
			}
			if len(h.Names) == 0 || slices.Contains(h.Names, "") {
				t.Errorf("%d: %s has names %q", y, calendar.FormatDate(h.Date), h.Names)
			}
			if !c.IsHoliday(h.Date) {
				t.Errorf("%d: IsHoliday(%s) = false", y, calendar.FormatDate(h.Date))
			}
			for _, n := range h.Names {
				if wd, ok := movableWeekday[n]; ok && h.Date.Weekday() != wd {
					t.Errorf("%d: %s on %s, a %s", y, n, calendar.FormatDate(h.Date), h.Date.Weekday())
				}
			}
			listed[h.Date] = true
		}
		easter := calendar.OrthodoxEaster(y)
		if !listed[easter] || !listed[easter.AddDate(0, 0, 1)] {
			t.Errorf("%d: Easter %s or its Monday not listed", y, calendar.FormatDate(easter))
		}
		if y >= 2018 && !listed[easter.AddDate(0, 0, -2)] {
			t.Errorf("%d: Good Friday not listed", y)
		}
		// IsHoliday must agree with the list on every day of the year.
		for d := calendar.Day(y, 1, 1); d.Year() == y; d = d.AddDate(0, 0, 1) {
			if c.IsHoliday(d) != listed[d] {
				t.Errorf("IsHoliday(%s) = %v, listed = %v", calendar.FormatDate(d), c.IsHoliday(d), listed[d])
			}
		}
		// Sanity: between 8 (1990) and 17 holidays, on at most 17 dates.
		if n := countNames(hs); n < 8 || n > 17 || len(hs) > n {
			t.Errorf("%d: %d holidays on %d dates", y, n, len(hs))
		}
	}
}

func countNames(hs []calendar.Holiday) int {
	n := 0
	for _, h := range hs {
		n += len(h.Names)
	}
	return n
}

func ExampleHolidays() {
	for _, h := range calendar.Holidays(2026)[8:11] {
		fmt.Println(calendar.FormatDate(h.Date), strings.Join(h.Names, ", "))
	}
	// Output:
	// 2026-05-01 Ziua Muncii
	// 2026-05-31 Prima zi de Rusalii
	// 2026-06-01 Ziua Copilului, A doua zi de Rusalii
}
