package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// packageJSON is what a package.json says about a Pulumi resource plugin.
type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// requiredPackages lists the resource plugins that the packages installed in
// dir/node_modules (and their scopes) declare, one per name and version.
func requiredPackages(dir string) ([]*pulumirpc.PackageDependency, error) {
	root := filepath.Join(dir, "node_modules")
	manifests, err := filepath.Glob(filepath.Join(root, "*", "package.json"))
	if err != nil {
		return nil, err
	}
	scoped, err := filepath.Glob(filepath.Join(root, "@*", "*", "package.json"))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*pulumirpc.PackageDependency
	for _, path := range append(manifests, scoped...) {
		raw, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var pkg packageJSON
		if err := json.Unmarshal(raw, &pkg); err != nil || !pkg.Pulumi.Resource {
			continue
		}
		name := pkg.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(strings.TrimPrefix(pkg.Name, "@pulumi/"), "@")
		}
		version := pkg.Pulumi.Version
		if version == "" {
			version = pkg.Version
		}
		if version != "" && !strings.HasPrefix(version, "v") {
			version = "v" + version
		}
		if key := name + "@" + version; !seen[key] {
			seen[key] = true
			out = append(out, &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: version, Server: pkg.Pulumi.Server})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GetName() < out[j].GetName() })
	return out, nil
}
