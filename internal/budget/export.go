package budget

import (
	"context"
	"io"
	"maps"
	"strconv"

	"github.com/cetate/cetate/internal/budget/pabulib"
)

// ExportPB writes an edition's election as a Pabulib .pb file once its results
// are public: the projects with their votes and whether they were selected, and
// every ballot. Ballots are anonymised (pabulib.WriteOptions.Anonymise): voters
// are numbered 1..N in the order of their ballots' content, so neither who voted,
// nor when, nor the stored ballot ids can be read from the file. Anyone can count
// it again with any Pabulib tool, `cetate pb tally` included, and get the results
// the portal shows.
func (s *Service) ExportPB(ctx context.Context, w io.Writer, editionID int64) error {
	res, err := s.Results(ctx, editionID)
	if err != nil {
		return err
	}
	// A copy: the cached instance stays as counted.
	in := *res.Instance
	in.Meta = maps.Clone(res.Instance.Meta)
	in.MetaKeys = append([]string(nil), res.Instance.MetaKeys...)
	in.Projects = make([]pabulib.Project, len(res.Instance.Projects))
	selected := map[string]bool{}
	for _, id := range res.Tally.Winners {
		selected[id] = true
	}
	for i, p := range res.Instance.Projects {
		p.Extra = map[string]string{"votes": strconv.FormatInt(res.Tally.Projects[p.ID].Supporters, 10), "selected": "0"}
		if selected[p.ID] {
			p.Extra["selected"] = "1"
		}
		in.Projects[i] = p
	}
	in.ProjectColumns = []string{"name", "votes", "selected"}
	if res.Edition.AreaKind == Zones {
		in.ProjectColumns = append(in.ProjectColumns, "zone")
	} else {
		in.ProjectColumns = append(in.ProjectColumns, "category")
	}
	return pabulib.Write(w, &in, pabulib.WriteOptions{Anonymise: true})
}
