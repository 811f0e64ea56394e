package catalog

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/cetate/cetate/internal/calendar"
)

// dateBound is a min_date or max_date: a fixed date, or an offset from the
// day of the submission.
type dateBound struct {
	set                 bool
	fixed               time.Time // when not relative
	relative            bool
	years, months, days int
}

var offsetPattern = regexp.MustCompile(`^([+-])([0-9]{1,4})([dmy])$`)

// parseDateBound reads "" (no bound), "today", an offset such as "-120y",
// "+30d" or "-6m", or a date YYYY-MM-DD.
func parseDateBound(s string) (dateBound, error) {
	switch {
	case s == "":
		return dateBound{}, nil
	case s == "today":
		return dateBound{set: true, relative: true}, nil
	}
	if m := offsetPattern.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "-" {
			n = -n
		}
		b := dateBound{set: true, relative: true}
		switch m[3] {
		case "d":
			b.days = n
		case "m":
			b.months = n
		case "y":
			b.years = n
		}
		return b, nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return dateBound{}, fmt.Errorf("%q is not \"today\", an offset like \"-120y\", \"+30d\" or \"-6m\", or a date YYYY-MM-DD", s)
	}
	return dateBound{set: true, fixed: d}, nil
}

func (b dateBound) isZero() bool { return !b.set }

// resolve returns the bound's date for a submission made on today (a civil
// date).
func (b dateBound) resolve(today time.Time) time.Time {
	if !b.relative {
		return b.fixed
	}
	return today.AddDate(b.years, b.months, b.days)
}
