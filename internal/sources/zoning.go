package sources

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/planar"

	"github.com/cetate/cetate/internal/store"
)

// LandZone is an intravilan (built-up area) or extravilan zone of the city's
// territory, as a WGS84 polygon.
type LandZone struct {
	ID   string
	Name string
	Kind string // intravilan or extravilan
	// Shape holds the zone's polygons, each an outer ring and its holes; points are
	// (longitude, latitude), as in WKT.
	Shape orb.MultiPolygon
}

// BorderMeters is the least distance from a zone's limit at which a point is taken
// to be off the limit: coordinates read off a plan are not more precise than that.
// Closer, a person looks at the plan instead.
const BorderMeters = 1.0

// Placement is where a point falls among the zones.
type Placement struct {
	Inside []LandZone // zones that hold the point, clear of their limits
	Border []LandZone // zones whose limit passes within the tolerance of the point
}

var zoningRegister = &register{
	table:   "source_zoning",
	header:  []string{"zone_id", "name", "kind", "polygon_wkt"},
	columns: []string{"zone_id", "name", "kind", "polygon_wkt", "min_lat", "max_lat", "min_lon", "max_lon"},
	parse: func(rec []string) ([]any, string, error) {
		id, name, kind := rec[0], strings.Join(strings.Fields(rec[1]), " "), strings.ToLower(rec[2])
		if !placeCodePattern.MatchString(id) {
			return nil, "", fmt.Errorf("zone_id %q: want letters, digits, dot, dash or underscore, at most 32", id)
		}
		if name == "" {
			return nil, "", errors.New("the name is empty")
		}
		if kind != "intravilan" && kind != "extravilan" {
			return nil, "", fmt.Errorf("kind %q: want intravilan or extravilan", rec[2])
		}
		shape, err := parseZoneWKT(rec[3])
		if err != nil {
			return nil, "", fmt.Errorf("polygon_wkt: %v", err)
		}
		b := shape.Bound()
		return []any{id, name, kind, rec[3], b.Min.Lat(), b.Max.Lat(), b.Min.Lon(), b.Max.Lon()}, "zone_id " + id, nil
	},
}

// parseZoneWKT reads a POLYGON or MULTIPOLYGON in WGS84 (longitude latitude) and
// checks what the WKT reader lets pass: every ring closed with at least four
// points, finite coordinates within the ranges of longitude and latitude, and each
// hole inside its polygon's outer ring. Rings that cross themselves are not caught.
func parseZoneWKT(s string) (orb.MultiPolygon, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty; want POLYGON((lon lat, ...)) or MULTIPOLYGON(((lon lat, ...)))")
	}
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, fmt.Errorf("not valid WKT (%v); want POLYGON((lon lat, ...)) or MULTIPOLYGON(((lon lat, ...)))", err)
	}
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	default:
		return nil, fmt.Errorf("a %s; want a POLYGON or a MULTIPOLYGON", strings.ToUpper(g.GeoJSONType()))
	}
	if len(mp) == 0 {
		return nil, errors.New("the polygon is empty")
	}
	for i, poly := range mp {
		where := ""
		if len(mp) > 1 {
			where = fmt.Sprintf("polygon %d, ", i+1)
		}
		if len(poly) == 0 {
			return nil, fmt.Errorf("%sthe polygon is empty", where)
		}
		for j, ring := range poly {
			at := where + "outer ring"
			if j > 0 {
				at = fmt.Sprintf("%shole %d", where, j)
			}
			if len(ring) < 4 {
				return nil, fmt.Errorf("%s has %d points; a closed ring needs at least 4", at, len(ring))
			}
			for _, p := range ring {
				lon, lat := p[0], p[1]
				switch {
				case math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0):
					return nil, fmt.Errorf("%s has a point that is not a number", at)
				case lat < -90 || lat > 90:
					return nil, fmt.Errorf("%s: latitude %v is out of range (WKT writes the longitude first)", at, lat)
				case lon < -180 || lon > 180:
					return nil, fmt.Errorf("%s: longitude %v is out of range", at, lon)
				}
			}
			if !ring.Closed() {
				return nil, fmt.Errorf("%s is not closed: it starts at %v %v and ends at %v %v", at, ring[0][0], ring[0][1], ring[len(ring)-1][0], ring[len(ring)-1][1])
			}
			if j > 0 {
				for _, p := range ring {
					if !planar.RingContains(poly[0], p) {
						return nil, fmt.Errorf("%s is not inside its outer ring", at)
					}
				}
			}
		}
	}
	return mp, nil
}

// LandZonesAt places a point (WGS84 latitude and longitude) among the zones of the
// register: which hold it, and which have a limit so close to it that a person
// should decide. tolerance is how far off the point may be, in metres (the
// coordinates' precision); it is never less than BorderMeters.
func LandZonesAt(ctx context.Context, q store.Querier, lat, lon, tolerance float64) (Placement, error) {
	var pl Placement
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return pl, fmt.Errorf("no such point: %v, %v", lat, lon)
	}
	if !(tolerance >= BorderMeters) { // NaN too
		tolerance = BorderMeters
	}
	// The boxes are widened by the tolerance, so a point just outside a zone still
	// sees its limit (a degree of latitude is about 111 km).
	margin := 2 * tolerance / 111_000
	lonMargin := margin / math.Max(math.Cos(lat*math.Pi/180), 0.01)
	rows, err := q.QueryContext(ctx, `SELECT zone_id, name, kind, polygon_wkt FROM source_zoning
		WHERE min_lat <= $1 AND max_lat >= $2 AND min_lon <= $3 AND max_lon >= $4 ORDER BY zone_id`,
		lat+margin, lat-margin, lon+lonMargin, lon-lonMargin)
	if err != nil {
		return pl, err
	}
	defer rows.Close()
	point := orb.Point{lon, lat}
	for rows.Next() {
		var z LandZone
		var text string
		if err := rows.Scan(&z.ID, &z.Name, &z.Kind, &text); err != nil {
			return pl, err
		}
		if z.Shape, err = parseZoneWKT(text); err != nil {
			return pl, fmt.Errorf("zone %s: %w", z.ID, err)
		}
		switch {
		case metersToLimit(z.Shape, point) <= tolerance:
			pl.Border = append(pl.Border, z)
		case planar.MultiPolygonContains(z.Shape, point):
			pl.Inside = append(pl.Inside, z)
		}
	}
	return pl, rows.Err()
}

// metersToLimit is the distance in metres from p to the nearest ring of mp, on a
// plane tangent at p: at a city's scale the error is far below a centimetre.
func metersToLimit(mp orb.MultiPolygon, p orb.Point) float64 {
	const earthRadius = 6_371_008.8
	kx := earthRadius * math.Pi / 180 * math.Cos(p.Lat()*math.Pi/180)
	ky := earthRadius * math.Pi / 180
	local := func(q orb.Point) (float64, float64) { return (q[0] - p[0]) * kx, (q[1] - p[1]) * ky }
	best := math.Inf(1)
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				ax, ay := local(ring[i])
				bx, by := local(ring[i+1])
				best = math.Min(best, distanceToSegment(ax, ay, bx, by))
			}
		}
	}
	return best
}

// distanceToSegment is the distance from the origin to the segment from a to b.
func distanceToSegment(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}
