package calendar_test

import (
	"testing"
	"time"

	"github.com/cetate/cetate/internal/calendar"
)

// mustDate parses a YYYY-MM-DD date in a test table.
func mustDate(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDay(t *testing.T) {
	tests := []struct {
		name string
		got  time.Time
		want string
	}{
		{"plain", calendar.Day(2026, time.June, 1), "2026-06-01T00:00:00Z"},
		{"normalises like time.Date", calendar.Day(2025, time.February, 30), "2025-03-02T00:00:00Z"},
		{"leap day", calendar.Day(2024, time.February, 29), "2024-02-29T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got.Format(time.RFC3339); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if tt.got.Location() != time.UTC {
				t.Errorf("location %v, want UTC", tt.got.Location())
			}
		})
	}
}

func TestCivil(t *testing.T) {
	ro, err := time.LoadLocation("Europe/Bucharest")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		// Winter: Bucharest is UTC+2.
		{"winter evening UTC is next day in Bucharest", time.Date(2025, 11, 28, 22, 30, 0, 0, time.UTC), "2025-11-29"},
		{"winter just before local midnight", time.Date(2025, 11, 28, 21, 59, 59, 0, time.UTC), "2025-11-28"},
		// Summer: Bucharest is UTC+3.
		{"summer evening UTC is next day in Bucharest", time.Date(2025, 7, 1, 21, 0, 0, 0, time.UTC), "2025-07-02"},
		{"summer just before local midnight", time.Date(2025, 7, 1, 20, 59, 0, 0, time.UTC), "2025-07-01"},
		{"civil date stays put", calendar.Day(2026, 4, 14), "2026-04-14"},
		{"local midnight", time.Date(2026, 1, 7, 0, 0, 0, 0, ro), "2026-01-07"},
		{"year end", time.Date(2025, 12, 31, 22, 0, 0, 0, time.UTC), "2026-01-01"},
		{"other zone", time.Date(2026, 3, 1, 23, 0, 0, 0, time.FixedZone("EST", -5*3600)), "2026-03-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := calendar.Civil(tt.in)
			if !got.Equal(mustDate(t, tt.want)) || got.Location() != time.UTC {
				t.Errorf("Civil(%s) = %s, want %s at 00:00 UTC", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2025-11-28", calendar.Day(2025, time.November, 28), true},
		{"2024-02-29", calendar.Day(2024, time.February, 29), true},
		{"0001-01-01", calendar.Day(1, time.January, 1), true},
		{"2100-12-31", calendar.Day(2100, time.December, 31), true},
		{"2025-02-30", time.Time{}, false},
		{"2025-02-29", time.Time{}, false},
		{"2025-13-01", time.Time{}, false},
		{"2025-00-10", time.Time{}, false},
		{"2025-01-00", time.Time{}, false},
		{"2025-04-31", time.Time{}, false},
		{"2025-2-3", time.Time{}, false},
		{"2025-02-3", time.Time{}, false},
		{"25-02-03", time.Time{}, false},
		{"2025/02/03", time.Time{}, false},
		{"20250203", time.Time{}, false},
		{"2025-02-03T00:00:00Z", time.Time{}, false},
		{" 2025-02-03", time.Time{}, false},
		{"2025-02-03 ", time.Time{}, false},
		{"-001-01-01", time.Time{}, false},
		{"+025-01-01", time.Time{}, false},
		{"2025-+2-03", time.Time{}, false},
		{"03.02.2025", time.Time{}, false},
		{"２025-02-03", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := calendar.ParseDate(tt.in)
			if !tt.ok {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %s, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseDate(%q) = %s, want %s", tt.in, got, tt.want)
			}
			if back := calendar.FormatDate(got); back != tt.in {
				t.Errorf("FormatDate(ParseDate(%q)) = %q", tt.in, back)
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"civil date", calendar.Day(2026, time.January, 7), "2026-01-07"},
		{"zero padded", calendar.Day(987, time.March, 4), "0987-03-04"},
		{"reads the date in the value's own zone", time.Date(2026, 1, 7, 23, 30, 0, 0, time.FixedZone("X", 2*3600)), "2026-01-07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := calendar.FormatDate(tt.in); got != tt.want {
				t.Errorf("FormatDate = %q, want %q", got, tt.want)
			}
		})
	}
}
