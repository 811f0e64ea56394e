package web_test

import (
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
)

func petitionFiling(u *identity.User) cases.Filing {
	return cases.Filing{Service: "petitie", Applicant: u, Fields: map[string]any{
		"name": "Ion Popescu", "email": "ion@example.ro", "message": "Vă rog să reparați iluminatul."}}
}
