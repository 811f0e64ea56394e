package calendar

import (
	"slices"
	"sync"
	"time"
)

// FirstYear and LastYear bound the years whose legal holidays this package
// knows. Outside them Holidays returns nil and no day is a legal holiday.
const (
	FirstYear = 1990
	LastYear  = 2100
)

// Holiday is one date on which at least one legal holiday falls. Names lists,
// in Romanian and in the order of Codul muncii art. 139 alin. (1), every
// holiday on that date: 2026-06-01 is both "Ziua Copilului" and
// "A doua zi de Rusalii".
type Holiday struct {
	Date  time.Time
	Names []string
}

// rule is one line of Codul muncii art. 139 alin. (1): a holiday, the first
// year it was observed, and its date in a year whose Orthodox Easter is the
// given day number.
type rule struct {
	name  string
	since int
	date  func(year, easter int) int
}

// fixed is a holiday on the same day every year.
func fixed(m time.Month, d int) func(year, easter int) int {
	return func(year, _ int) int { return dayNumber(Day(year, m, d)) }
}

// fromEaster is a holiday a fixed number of days after (or before) Orthodox Easter.
func fromEaster(days int) func(year, easter int) int {
	return func(_, easter int) int { return easter + days }
}

// rules lists the legal holidays in the order of art. 139 alin. (1). A law
// adding a holiday applies from the first occurrence after it came into
// force. "[unverified]" marks years not checked against the consolidated
// text on legislatie.just.ro.
//
// [unverified] 1990–2002 predates Codul muncii (Legea 53/2003); the older
// list is assumed to be the 2003 one (1–2 Jan, Easter, 1 May, 1 Dec,
// Christmas), which may be wrong for some years (e.g. 2 May).
var rules = []rule{
	// Whole range.
	{"Anul Nou", FirstYear, fixed(time.January, 1)},
	{"A doua zi de Anul Nou", FirstYear, fixed(time.January, 2)},
	// Legea 52/2023 (MO 186 / 06.03.2023): first observed in January 2024.
	{"Boboteaza", 2024, fixed(time.January, 6)},
	{"Sfântul Ioan Botezătorul", 2024, fixed(time.January, 7)},
	// Legea 171/2016 [unverified number]: first observed 24 January 2017.
	{"Ziua Unirii Principatelor Române", 2017, fixed(time.January, 24)},
	// Legea 64/2018 [unverified number]: first observed on Good Friday 2018.
	{"Vinerea Mare", 2018, fromEaster(-2)},
	// Art. 139 says "prima și a doua zi de Paști", so the Sunday is listed
	// too although it is never a working day. Whole range.
	{"Prima zi de Paști", FirstYear, fromEaster(0)},
	{"A doua zi de Paști", FirstYear, fromEaster(1)},
	// Whole range.
	{"Ziua Muncii", FirstYear, fixed(time.May, 1)},
	// Legea 220/2016 [unverified number]: first observed 1 June 2017.
	{"Ziua Copilului", 2017, fixed(time.June, 1)},
	// Legea 202/2008 rewrote the list with Rusalii and 15 August, but was
	// published in MO 728 on 28.10.2008, after that year's Rusalii (15–16
	// June) and 15 August, so both start in 2009. [unverified] whether
	// Rusalii were already a holiday before that law.
	{"Prima zi de Rusalii", 2009, fromEaster(49)},
	{"A doua zi de Rusalii", 2009, fromEaster(50)},
	{"Adormirea Maicii Domnului", 2009, fixed(time.August, 15)},
	// Legea 147/2012 (MO 509 / 24.07.2012): first observed 30 November 2012.
	{"Sfântul Andrei", 2012, fixed(time.November, 30)},
	// Whole range.
	{"Ziua Națională a României", FirstYear, fixed(time.December, 1)},
	{"Prima zi de Crăciun", FirstYear, fixed(time.December, 25)},
	{"A doua zi de Crăciun", FirstYear, fixed(time.December, 26)},
}

// holidayTable is every legal holiday of FirstYear..LastYear, computed once.
type holidayTable struct {
	years [LastYear - FirstYear + 1][]Holiday
	first int      // day number of FirstYear-01-01
	bits  []uint64 // bit i is set when day first+i is a legal holiday
}

// table computes the holiday table on first use (about 2,000 holidays, well
// under a millisecond) and shares it, read-only, with every goroutine.
var table = sync.OnceValue(func() *holidayTable {
	t := &holidayTable{first: dayNumber(Day(FirstYear, time.January, 1))}
	last := dayNumber(Day(LastYear, time.December, 31))
	t.bits = make([]uint64, (last-t.first)/64+1)
	for y := FirstYear; y <= LastYear; y++ {
		t.years[y-FirstYear] = computeHolidays(y)
		for _, h := range t.years[y-FirstYear] {
			i := dayNumber(h.Date) - t.first
			t.bits[i/64] |= 1 << (i % 64)
		}
	}
	return t
})

// computeHolidays applies the rules to one year: sorted, one entry per date.
func computeHolidays(year int) []Holiday {
	easter := dayNumber(OrthodoxEaster(year))
	type dated struct {
		day  int
		name string
	}
	var all []dated
	for _, r := range rules {
		if year >= r.since {
			all = append(all, dated{r.date(year, easter), r.name})
		}
	}
	// Stable, so names sharing a date keep the order of art. 139.
	slices.SortStableFunc(all, func(a, b dated) int { return a.day - b.day })
	var out []Holiday
	for _, d := range all {
		if n := len(out); n > 0 && dayNumber(out[n-1].Date) == d.day {
			out[n-1].Names = append(out[n-1].Names, d.name)
			continue
		}
		out = append(out, Holiday{Date: fromDayNumber(d.day), Names: []string{d.name}})
	}
	return out
}

// Holidays returns the legal holidays (Codul muncii art. 139 alin. (1)) of a
// year from FirstYear to LastYear, sorted by date, each date once, weekend
// ones included. The slice and its Names are the caller's to keep or change.
// It returns nil for any other year.
func Holidays(year int) []Holiday {
	if year < FirstYear || year > LastYear {
		return nil
	}
	src := table().years[year-FirstYear]
	out := make([]Holiday, len(src))
	for i, h := range src {
		out[i] = Holiday{Date: h.Date, Names: slices.Clone(h.Names)}
	}
	return out
}

// isLegalHoliday reports whether day number n is a legal holiday.
func isLegalHoliday(n int) bool {
	t := table()
	i := n - t.first
	if i < 0 || i/64 >= len(t.bits) {
		return false
	}
	return t.bits[i/64]&(1<<(i%64)) != 0
}
