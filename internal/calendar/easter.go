package calendar

import "time"

// OrthodoxEaster returns the date of Orthodox Easter Sunday in the given
// year, as a Gregorian civil date.
//
// The Orthodox Church computes Easter on the Julian calendar (Meeus, Astronomical
// Algorithms, "Julian Easter"); the Julian date is then moved to the Gregorian
// calendar. The gap between the two calendars is 13 days from 1 March 1900 to
// 28 February 2100 and 14 days from 1 March 2100, so the result is right for
// every Gregorian year, 2100 included (2 May 2100).
func OrthodoxEaster(year int) time.Time {
	a := year % 4
	b := year % 7
	c := year % 19
	d := (19*c + 15) % 30
	e := (2*a + 4*b - d + 34) % 7
	month := time.Month((d + e + 114) / 31)
	day := (d+e+114)%31 + 1
	return Day(year, month, day+julianGregorianGap(year))
}

// julianGregorianGap returns how many days the Julian calendar lags behind the
// Gregorian one for dates from March of the given year on (Easter is never
// earlier). The gap grows on each century year that is a Julian but not a
// Gregorian leap year: 10 days in 1582, 13 from 1900, 14 from 2100.
func julianGregorianGap(year int) int {
	return year/100 - year/400 - 2
}
