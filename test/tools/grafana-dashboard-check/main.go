// Loads Grafana dashboard JSON files the way Grafana's own dashboard model reads them: the
// Grafana Foundation SDK's strict decoder (required fields present, types right, no unknown
// fields; panel types and their options through the SDK's registered panel plugins), then its
// Validate. Prints "OK <file>: <title>, <n> panels" or "FAIL <file>: <why>" per file; exit 1 on
// any failure. Built and cached by test/tools/build.sh.
package main

import (
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func main() {
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, path := range os.Args[1:] {
		raw, err := os.ReadFile(path)
		if err != nil {
			fmt.Printf("FAIL %s: %v\n", path, err)
			failed = true
			continue
		}
		var d dashboard.Dashboard
		if err := d.UnmarshalJSONStrict(raw); failure(err) {
			fmt.Printf("FAIL %s: %v\n", path, err)
			failed = true
			continue
		}
		if err := d.Validate(); failure(err) {
			fmt.Printf("FAIL %s: invalid: %v\n", path, err)
			failed = true
			continue
		}
		title := ""
		if d.Title != nil {
			title = *d.Title
		}
		fmt.Printf("OK %s: %q, %d panels\n", path, title, len(d.Panels))
	}
	if failed {
		os.Exit(1)
	}
}

// The SDK returns its error list as `error` even when the list is empty (a non-nil interface
// holding a nil slice): only a list with entries is a failure.
func failure(err error) bool {
	if errs, ok := err.(cog.BuildErrors); ok {
		return len(errs) > 0
	}
	return err != nil
}
