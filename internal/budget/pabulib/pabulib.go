// Package pabulib reads and writes participatory budgeting elections in the
// Pabulib .pb format (pabulib.org): a META section of key;value pairs, a
// PROJECTS table and a VOTES table, separated by semicolons.
//
// Parse accepts what real Pabulib files contain (a byte order mark, CRLF line
// ends, quoted fields, decimal costs with a comma, blank lines) and reads a
// file the way pabutools 1.2 does, so that counting rules see the same
// election. Write produces a file Parse reads back to the same Instance.
package pabulib

import (
	"math/big"
)

// VoteType is the kind of ballot, as the META key vote_type names it.
type VoteType string

// The ballot kinds Pabulib files use.
const (
	// Approval: each voter lists the projects they support.
	Approval VoteType = "approval"
	// ChooseOne: each voter lists one project; counted as approval.
	ChooseOne VoteType = "choose-1"
	// Cumulative: each voter spreads points over projects (the points column).
	Cumulative VoteType = "cumulative"
	// Ordinal: each voter ranks projects, first choice first.
	Ordinal VoteType = "ordinal"
)

// Instance is one election: its metadata, projects and ballots.
type Instance struct {
	// Meta holds the META section; MetaKeys keeps its order for writing.
	// Parse fills both; Write also writes keys missing from MetaKeys, sorted.
	Meta     map[string]string
	MetaKeys []string
	// Budget is the META budget, exact.
	Budget *big.Rat
	// VoteType is the META vote_type.
	VoteType VoteType
	// Projects in file order; IDs are unique.
	Projects []Project
	// ProjectColumns are the PROJECTS columns after project_id and cost, in
	// file order; Write uses them (and adds any missing) as its header.
	ProjectColumns []string
	// Ballots in file order.
	Ballots []Ballot
	// VoteColumns are the VOTES columns other than voter_id, vote and points,
	// in file order (age, sex, voting_method, ...).
	VoteColumns []string
}

// Project is one proposal on the ballot.
type Project struct {
	ID string
	// Cost is exact: Pabulib costs are sometimes decimals ("4000.0", "12,5").
	Cost *big.Rat
	// Name is the name column, if any.
	Name string
	// Category is the category column as written (Pabulib separates several
	// categories with commas); Cluj's domains come from it.
	Category string
	// Zone is the zone column (or, failing that, district): the area whose
	// budget the project competes for, as in Timișoara.
	Zone string
	// Extra holds the other columns (votes, selected, target, ...) by name.
	// A value "None" in the file means absent and is not kept.
	Extra map[string]string
}

// Ballot is one voter's vote.
type Ballot struct {
	VoterID string
	// Projects in the order written: for ordinal ballots, first choice first.
	Projects []string
	// Points given to each of Projects (cumulative ballots only; nil otherwise).
	Points []int64
	// Extra holds the other VOTES columns by name ("None" is not kept).
	Extra map[string]string
}

// ProjectByID returns the project with the given id, or false.
func (in *Instance) ProjectByID(id string) (Project, bool) {
	for _, p := range in.Projects {
		if p.ID == id {
			return p, true
		}
	}
	return Project{}, false
}
