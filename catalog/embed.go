// Package catalog holds the service catalogue as YAML files, embedded in the
// binary: departments.yaml (the departments of the city hall) and one file
// per service under services/. Package internal/catalog reads and checks them.
package catalog

import "embed"

// Files are departments.yaml, institutions.yaml and services/*.yaml.
//
//go:embed services/*.yaml departments.yaml institutions.yaml
var Files embed.FS
