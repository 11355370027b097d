package main

import (
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// runtimeOptions are the `runtime.options` of Pulumi.yaml (or PulumiPolicy.yaml)
// that change how node runs the program.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   string
}

func runtimeOptionsOf(info *pulumirpc.ProgramInfo) runtimeOptions {
	// TypeScript is on unless a project turns it off, as with the upstream host.
	options := runtimeOptions{typescript: true}
	fields := info.GetOptions().GetFields()
	if v, ok := fields["typescript"]; ok {
		options.typescript = v.GetBoolValue()
	}
	if v, ok := fields["tsconfig"]; ok {
		options.tsconfig = v.GetStringValue()
	}
	if v, ok := fields["nodeargs"]; ok {
		options.nodeargs = v.GetStringValue()
	}
	return options
}

func (o runtimeOptions) nodeArgs() []string {
	return strings.Fields(o.nodeargs)
}

func (o runtimeOptions) env() []string {
	env := []string{}
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}
