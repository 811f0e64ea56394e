package calendar_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/calendar"
)

func TestOrthodoxEaster(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		// ro-domain.md §4.1.
		{2024, "2024-05-05"},
		{2025, "2025-04-20"},
		{2026, "2026-04-12"},
		{2027, "2027-05-02"},
		{2028, "2028-04-16"},
		{2029, "2029-04-08"},
		{2030, "2030-04-28"},
		// Published Orthodox calendars.
		{1990, "1990-04-15"},
		{2000, "2000-04-30"},
		{2008, "2008-04-27"},
		{2010, "2010-04-04"},
		{2018, "2018-04-08"},
		{2021, "2021-05-02"},
		{2022, "2022-04-24"},
		{2023, "2023-04-16"},
		// The Julian-Gregorian gap is 14 days from March 2100, not 13.
		{2100, "2100-05-02"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			got := calendar.OrthodoxEaster(tt.year)
			if calendar.FormatDate(got) != tt.want || got.Location() != time.UTC || got.Hour() != 0 {
				t.Errorf("OrthodoxEaster(%d) = %s, want %s", tt.year, got, tt.want)
			}
		})
	}
}

// TestOrthodoxEasterAgainstGauss checks every supported year against a
// second, independent route: Gauss's formula for Julian Easter and a
// conversion through the Julian Day Number (which knows nothing of a
// "13 days" rule).
func TestOrthodoxEasterAgainstGauss(t *testing.T) {
	for y := calendar.FirstYear; y <= calendar.LastYear; y++ {
		a, b, c := y%19, y%4, y%7
		d := (19*a + 15) % 30
		e := (2*b + 4*c + 6*d + 6) % 7
		// Julian Easter is March 22 + d + e.
		want := julianToGregorian(y, time.March, 22+d+e)
		got := calendar.OrthodoxEaster(y)
		if !got.Equal(want) {
			t.Errorf("OrthodoxEaster(%d) = %s, want %s", y, calendar.FormatDate(got), calendar.FormatDate(want))
		}
		if got.Weekday() != time.Sunday {
			t.Errorf("OrthodoxEaster(%d) = %s is a %s", y, calendar.FormatDate(got), got.Weekday())
		}
	}
}

// julianToGregorian converts a Julian calendar date (day may overflow the
// month) to a Gregorian civil date via its Julian Day Number.
func julianToGregorian(y int, m time.Month, d int) time.Time {
	a := (14 - int(m)) / 12
	yy := y + 4800 - a
	mm := int(m) + 12*a - 3
	jdn := d + (153*mm+2)/5 + 365*yy + yy/4 - 32083
	const unixEpochJDN = 2440588
	return time.Unix(int64(jdn-unixEpochJDN)*86400, 0).UTC()
}
