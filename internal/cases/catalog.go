package cases

import "github.com/cetate/cetate/internal/catalog"

// UseCatalog replaces the catalogue the cases are filed and processed against, for
// the start of the program (the administrators' overrides applied over the files).
// Like SetClock it is not synchronized: call it before serving requests.
func (cs *Cases) UseCatalog(c *catalog.Catalog) { cs.catalog = c }
