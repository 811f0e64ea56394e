// Package migrations holds the SQL migrations, one folder per database where they
// must differ. Files are append-only: never edit one that has shipped.
package migrations

import "embed"

// Files holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var Files embed.FS
